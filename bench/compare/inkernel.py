"""The exercise's own hidden pytest suite, run inside the notebook's kernel (nbgrader's and otter's
model: tests share the kernel with the candidate's code). Used by the ports in bench/compare, so
that all three graders run the same checks on the same notebook.

    from inkernel import check
    check("test_holdout.py::test_a_single_customer")   # raises AssertionError unless it passed

The first ``check`` runs the whole suite once (one pytest session, as HireLab's phase 2 does) with
the fixtures the hidden tests expect, served from the kernel's own namespace; each later ``check``
reads its test's outcome. This file is copied next to the notebook with ``hidden/`` and
``starter/``; it needs pytest, nbformat, the exercise's own packages and, for
``submission.fresh()`` (the definitions loaded afresh, overrides applied, as HireLab's candidate
processes do), HireLab's ``sandbox.runner.candidate.load`` from ``INKERNEL_REPO``.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(os.environ.get("INKERNEL_ROOT", Path.cwd()))
_outcomes: dict[str, str] = {}


@dataclass(frozen=True)
class Execution:
    status: str = "completed"  # the check cells run after every candidate cell ran
    cells_total: int = 0
    cells_executed: int = 0
    error: str | None = None
    unexecuted: tuple[int, ...] = ()


class HiddenData(dict):
    def csv(self, name: str, **kwargs: Any) -> Any:
        import pandas as pd

        return pd.read_csv(io.BytesIO(self[name]), **kwargs)

    def path_bytes(self, name: str) -> bytes:
        return self[name]


class InKernelProcess:
    """``run(code, **inputs)``: ``code`` in a copy of a namespace (the kernel's, or definitions
    loaded afresh); a context manager like HireLab's candidate process."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._namespace = namespace

    def run(self, code: str, timeout: float | None = None, **inputs: Any) -> Any:
        scope = {**self._namespace, **inputs}
        exec(code, scope)
        return json.loads(json.dumps(scope.get("result")))

    def close(self) -> None:
        pass

    def __enter__(self) -> InKernelProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InKernelSubmission(InKernelProcess):
    """The kernel's namespace, and fresh copies of the notebook's definitions."""

    def __init__(self, namespace: dict[str, Any], notebook_path: Path) -> None:
        import nbformat

        super().__init__(namespace)
        self.notebook = nbformat.read(str(notebook_path), as_version=4)
        self._cells = [c.source for c in self.notebook.cells if c.cell_type == "code"]

    def defines(self, name: str) -> bool:
        return callable(self._namespace.get(name))

    def names(self) -> list[str]:
        return [name for name in self._namespace if not name.startswith("_")]

    def fresh(self, overrides: dict[str, str] | None = None) -> InKernelProcess:
        from sandbox.runner.candidate import load

        main = sys.modules["__main__"]
        try:
            namespace, _ = load(self._cells, overrides)
        finally:
            sys.modules["__main__"] = main
        return InKernelProcess(namespace)


def _run_suite(namespace: dict[str, Any]) -> None:
    import pytest

    if os.environ["INKERNEL_REPO"] not in sys.path:  # the hidden tests import sandbox.runner
        sys.path.append(os.environ["INKERNEL_REPO"])

    notebook = next(p for p in sorted(HERE.glob("*.ipynb")))
    data_dir = HERE / "hidden" / "data"
    data = HiddenData(
        {str(p.relative_to(data_dir)): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
        if data_dir.is_dir()
        else {}
    )

    class Fixtures:
        @pytest.fixture(scope="module")
        def submission(self):
            return InKernelSubmission(namespace, notebook)

        @pytest.fixture(scope="session")
        def execution(self):
            return Execution()

        @pytest.fixture(scope="session")
        def hidden_data(self):
            return data

        @pytest.fixture(scope="session")
        def starter_dir(self):
            return HERE

        @pytest.fixture(scope="session")
        def starter(self):
            return HiddenData(
                {str(p.relative_to(HERE)): p.read_bytes() for p in HERE.rglob("*.csv")
                 if "hidden" not in p.relative_to(HERE).parts}
            )  # fmt: skip

        @pytest.fixture(scope="session")
        def seed(self):
            return random.SystemRandom().randrange(2**31)

        @pytest.fixture
        def red_flag(self):
            return lambda kind, message: None

        def pytest_configure(self, config):
            config.addinivalue_line("markers", "group(name): the test group")

        def pytest_runtest_logreport(self, report):
            if report.when == "call" or report.outcome != "passed":
                name = report.nodeid.split("/")[-1]
                if _outcomes.get(name) in (None, "passed"):
                    _outcomes[name] = report.outcome

    tests = HERE / "hidden" / "tests"
    pytest.main(
        ["-q", "-p", "no:cacheprovider", "--rootdir", str(tests), str(tests)],
        plugins=[Fixtures()],
    )


def check(test_id: str, namespace: dict[str, Any] | None = None) -> bool:
    """True when hidden test ``test_id`` (file.py::name) passed; AssertionError otherwise."""
    if not _outcomes:
        import __main__

        _run_suite(namespace if namespace is not None else vars(__main__))
    outcome = _outcomes.get(test_id, "not run")
    if outcome != "passed":
        raise AssertionError(f"{test_id}: {outcome}")
    return True

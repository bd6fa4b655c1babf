"""The exercise's own hidden pytest suite, run inside the notebook's kernel (nbgrader's and otter's
model: tests share the kernel with the candidate's code). Used by the ports in bench/compare, so
that all three graders run the same checks on the same notebook.

    from inkernel import check
    check("test_holdout.py::test_a_single_customer")   # raises AssertionError unless it passed

The first ``check`` runs the whole suite once (one pytest session, as HireLab's phase 2 does) with
the fixtures the hidden tests expect, served from the kernel's own namespace; each later ``check``
reads its test's outcome. This file is copied next to the notebook with ``hidden/`` and
``starter/``; it needs only pytest, nbformat and the exercise's own packages.
"""

from __future__ import annotations

import io
import json
import os
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


class HiddenData(dict):
    def csv(self, name: str, **kwargs: Any) -> Any:
        import pandas as pd

        return pd.read_csv(io.BytesIO(self[name]), **kwargs)

    def path_bytes(self, name: str) -> bytes:
        return self[name]


class InKernelSubmission:
    """``submission.run(code, **inputs)``: ``code`` in a copy of the kernel's namespace."""

    def __init__(self, namespace: dict[str, Any], notebook_path: Path) -> None:
        import nbformat

        self._namespace = namespace
        self.notebook = nbformat.read(str(notebook_path), as_version=4)

    def defines(self, name: str) -> bool:
        return callable(self._namespace.get(name))

    def run(self, code: str, timeout: float | None = None, **inputs: Any) -> Any:
        scope = {**self._namespace, **inputs}
        exec(code, scope)
        return json.loads(json.dumps(scope.get("result")))

    def close(self) -> None:
        pass


def _run_suite(namespace: dict[str, Any]) -> None:
    import pytest

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

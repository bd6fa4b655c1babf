"""The pytest plugin of phase 2: the ``group`` marker, the hidden tests' fixtures, outcomes.

Hidden files are deleted right after collection (``pytest_collection_finish``), before any fixture
starts candidate code. Outcomes are recorded from reports in memory and leave only in the result.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sandbox.results import RedFlag, TestOutcome
from sandbox.runner.phase_check import PhaseCheck
from sandbox.runner.submission import Submission
from sandbox.runner.zygote import ZygoteClient


@dataclass(frozen=True)
class Execution:
    """Phase 1's outcome, as the ``execution`` fixture."""

    status: str
    cells_total: int
    cells_executed: int
    error: str | None
    unexecuted: tuple[int, ...] = ()  # non-empty code cells (1-based) without an execution count


class HiddenData(Mapping[str, bytes]):
    """Read-only mapping: relative path -> bytes, read before any candidate code ran.

    The ``hidden_data`` fixture (``hidden/data/``, deleted afterwards) and ``starter``.
    """

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = dict(files)

    def __getitem__(self, name: str) -> bytes:
        return self._files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def path_bytes(self, name: str) -> bytes:
        """The bytes of ``name``; KeyError names the files there are."""
        if name not in self._files:
            raise KeyError(
                f"no hidden data file {name!r}; there are: {', '.join(sorted(self._files))}"
            )
        return self._files[name]

    def csv(self, name: str, **kwargs: Any) -> Any:
        """``name`` parsed with ``pandas.read_csv``."""
        import io

        import pandas as pd  # type: ignore[import-untyped]

        return pd.read_csv(io.BytesIO(self.path_bytes(name)), **kwargs)


@dataclass
class PhaseTwo:
    """Everything the plugin needs, set by ``sandbox.runner.testing`` before pytest starts."""

    hidden_root: Path
    hidden_data: HiddenData
    starter: HiddenData
    starter_dir: Path
    zygote: ZygoteClient
    seed: int
    run_dir: Path
    notebook: bytes
    execution: Execution
    call_timeout_s: float
    answer_bytes: int
    deadline: float
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    collect_errors: list[str] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    flags: list[RedFlag] = field(default_factory=list)
    hidden_deleted: bool = False
    out_of_time: bool = False
    phase_check: PhaseCheck | None = None  # the cross-check of phase 1 (phase_check.py)


STATE: PhaseTwo | None = None


def _state() -> PhaseTwo:
    assert STATE is not None, "the grading plugin was loaded without phase-2 state"
    return STATE


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker every hidden test carries."""
    config.addinivalue_line(
        "markers", "group(id): the exercise test group this test is evidence for"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Record each test's group, then delete every hidden file before candidate code can run."""
    state = _state()
    for item in session.items:
        marks = list(item.iter_markers("group"))
        state.groups[item.nodeid] = (
            str(marks[0].args[0]) if len(marks) == 1 and marks[0].args else ""
        )
    if state.phase_check is not None and session.items:  # at a point candidate code can't know
        state.phase_check.target = session.items[secrets.randbelow(len(session.items))].nodeid
    shutil.rmtree(state.hidden_root, ignore_errors=True)
    state.hidden_deleted = not state.hidden_root.exists()
    # pytest put the rootdir and test folders on sys.path; after collection nothing may be
    # imported from there (candidate-writable places must never become importable).
    root = str(state.hidden_root)
    sys.path[:] = [p for p in sys.path if p and not (p == root or p.startswith(root + "/"))]


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Keep collection errors (an exercise bug, reported as such)."""
    if report.failed:
        _state().collect_errors.append(f"{report.nodeid}: {_message(report)}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Refuse to start tests once phase 2's budget is spent, or without exactly one group."""
    state = _state()
    if time.monotonic() >= state.deadline:
        state.out_of_time = True
        pytest.fail("not run: the hidden tests' time budget was exhausted", pytrace=False)
    check = state.phase_check
    if check is not None and item.nodeid == check.target:
        run_phase_check(state)
    if not state.groups.get(item.nodeid):
        pytest.fail(
            "exercise bug: this hidden test needs exactly one @pytest.mark.group(...)",
            pytrace=False,
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Fold setup/call/teardown reports into one outcome per test."""
    state = _state()
    group = state.groups.get(report.nodeid, "")
    previous = state.outcomes.get(report.nodeid)
    if report.skipped and report.when in ("setup", "call"):
        outcome, message = "skipped", _message(report)
    elif report.failed:
        outcome = "failed" if report.when == "call" else "error"
        message = _message(report)
    elif report.when == "call":
        outcome, message = "passed", ""
    else:
        return
    if previous is None or previous.outcome == "passed":
        state.outcomes[report.nodeid] = TestOutcome(report.nodeid, group, outcome, message)


def _message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The crash line; for asserts with a message only that message (no introspected values)."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if report.skipped and isinstance(report.longrepr, tuple):
        text = str(report.longrepr[2])
    else:
        text = crash.message if crash is not None else str(report.longrepr)
    if text.startswith("AssertionError: ") and "\nassert " in text:
        text = text.split("\nassert ", 1)[0]
    return text.strip()[:4000]


def _submission(state: PhaseTwo) -> Submission:
    return Submission(
        state.notebook,
        state.run_dir,
        state.zygote,
        call_timeout_s=state.call_timeout_s,
        answer_bytes=state.answer_bytes,
        remaining_s=lambda: state.deadline - time.monotonic(),
    )


def run_phase_check(state: PhaseTwo) -> None:
    """The cross-check of phase 1, once (before its drawn test, or after the session)."""
    if state.phase_check is None or state.phase_check.done:
        return
    handle = _submission(state)
    try:
        state.phase_check.run(handle, state.starter)
    except Exception:  # e.g. no candidate process could start: nothing was verified
        state.phase_check.done = True
    finally:
        with contextlib.suppress(Exception):
            handle.close()


@pytest.fixture(scope="module")
def submission() -> Iterator[Submission]:
    """A fresh candidate process per test module (lazily started)."""
    handle = _submission(_state())
    yield handle
    handle.close()


@pytest.fixture(scope="session")
def execution() -> Execution:
    """Phase 1's outcome."""
    return _state().execution


@pytest.fixture(scope="session")
def hidden_data() -> HiddenData:
    """Hidden data, in memory only."""
    return _state().hidden_data


@pytest.fixture(scope="session")
def starter_dir() -> Path:
    """The copy of starter/ (public data)."""
    return _state().starter_dir


@pytest.fixture(scope="session")
def starter() -> HiddenData:
    """starter/ as bytes, read before any candidate code ran (trusted inputs)."""
    return _state().starter


@pytest.fixture(scope="session")
def seed() -> int:
    """A seed drawn afresh for every grading run, in the test process."""
    return _state().seed


@pytest.fixture
def red_flag(request: pytest.FixtureRequest) -> Any:
    """``red_flag(kind, message)``: evidence for the interviewer, kept in the result's flags."""
    state = _state()

    def record(kind: str, message: str) -> None:
        node = request.node.nodeid
        state.flags.append(RedFlag(str(kind), state.groups.get(node, ""), node, str(message)))

    return record

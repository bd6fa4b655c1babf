"""Phase 2: run the hidden pytest suite against what phase 1 produced.

Order of events (exercises/README.md): load hidden/data into memory, make this process
non-dumpable, collect hidden/tests, delete every hidden file, then run the tests; candidate
code only ever runs in the separate candidate process behind the ``submission`` fixture.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
import time
from pathlib import Path

import nbformat
import pytest

from sandbox.results import GradingResult, TestOutcome, Timings
from sandbox.runner import plugin
from sandbox.runner.bundle import Job
from sandbox.runner.crosscheck import SPEC_FILE
from sandbox.runner.phase_check import PhaseCheck
from sandbox.runner.supervisor import PR_SET_DUMPABLE, prctl
from sandbox.runner.warm import warm_notebook_format
from sandbox.runner.zygote import ZygoteClient

# pytest's exit codes for a session that did not run to its end: never a verdict.
INTERRUPTED_CODES: dict[int, str] = {
    pytest.ExitCode.INTERRUPTED: "interrupted",
    pytest.ExitCode.INTERNAL_ERROR: "an internal error of pytest",
    pytest.ExitCode.USAGE_ERROR: "a usage error",
}


def warm_test_process() -> None:
    """Import, in the test process's warm parent, what every test session imports at its start:
    pytest's built-in plugins (pytest's own list; ~0.1 s) and nbformat's validators."""
    with contextlib.suppress(ImportError):  # a private list: without it, pytest imports them
        from _pytest.config import default_plugins

        for name in default_plugins:
            with contextlib.suppress(ImportError):
                importlib.import_module(f"_pytest.{name}")
    warm_notebook_format()


def _load_data(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def unexecuted_cells(notebook: bytes) -> tuple[int, ...]:
    """Non-empty code cells (numbered among code cells) the executed notebook shows as not run."""
    nb = nbformat.reads(notebook.decode("utf-8"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return tuple(
        n for n, c in enumerate(code, 1) if c.source.strip() and c.get("execution_count") is None
    )


def run_tests(workdir: Path, run_dir: Path, job: Job, zygote: ZygoteClient) -> GradingResult:
    """Collect and run hidden/tests; one outcome per test, grouped by the ``group`` marker."""
    started = time.monotonic()
    hidden = workdir / "hidden"
    prctl(PR_SET_DUMPABLE, 0)  # no ptrace and no /proc/<pid>/mem for the candidate process
    execution = job.execution
    notebook = (run_dir / job.notebook_name).read_bytes()
    spec = workdir / SPEC_FILE
    state = plugin.PhaseTwo(
        hidden_root=hidden,
        hidden_data=plugin.HiddenData(_load_data(hidden / "data")),
        starter=plugin.HiddenData(_load_data(workdir / "starter")),
        starter_dir=workdir / "starter",
        zygote=zygote,
        seed=secrets.randbits(32),
        run_dir=run_dir,
        notebook=notebook,
        execution=plugin.Execution(
            str(execution.get("status", "completed")),
            int(execution.get("cells_total", 0)),
            int(execution.get("cells_executed", 0)),
            execution.get("error"),
            unexecuted_cells(notebook),
        ),
        call_timeout_s=job.limits.call_timeout_s,
        answer_bytes=job.limits.answer_bytes,
        deadline=started + job.limits.tests_timeout_s,
        phase_check=PhaseCheck.from_phase_one(
            spec.read_bytes() if spec.is_file() else None, execution.get("crosscheck")
        ),
    )
    plugin.STATE = state
    # Only our plugin: hidden tests behave the same whatever pytest plugins the host has installed
    # (the local backend runs on the host's packages), and nothing else hooks into the run.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    ini = hidden / "pytest.ini"
    ini.write_text("[pytest]\n")
    code = pytest.main(
        [
            str(hidden / "tests"),
            "-c",
            str(ini),
            "--rootdir",
            str(hidden),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:stepwise",
            "-W",
            "ignore::DeprecationWarning",
        ],
        plugins=[plugin],
    )
    if code not in INTERRUPTED_CODES and not state.collect_errors and state.hidden_deleted:
        plugin.run_phase_check(state)  # its drawn test never started
    check_s = state.phase_check.seconds if state.phase_check is not None else 0.0
    timings = Timings(tests_s=time.monotonic() - started, crosscheck_s=check_s)
    duration = time.monotonic() - started
    tests = _every_collected(state)
    if state.phase_check is not None:
        state.phase_check.unverified_fail()  # a session that stopped before the check ran
        tests = state.phase_check.apply(tests)
        state.flags.extend(state.phase_check.flags)
    if code in INTERRUPTED_CODES and not state.collect_errors:
        return GradingResult(
            status="error",
            message=f"the hidden test session stopped early ({INTERRUPTED_CODES[code]}); "
            "not graded, try again",
            tests=tests,  # kept for the verdict once every retry was interrupted (settled)
            duration_s=duration,
            retryable=True,
            interference=True,
        )
    if state.collect_errors or (not tests and code != 0):
        detail = "; ".join(state.collect_errors)[:2000] or f"pytest exit code {int(code)}"
        return GradingResult(
            status="error",
            message=f"the hidden tests could not be collected: {detail}",
            tests=tests,
            duration_s=duration,
            timings=timings,
        )
    passed = sum(t.outcome == "passed" for t in tests)
    summary = f"{passed} of {len(tests)} hidden tests passed"
    if state.out_of_time:
        return GradingResult(
            status="timeout",
            message=f"the hidden tests ran out of time; {summary}",
            tests=tests,
            duration_s=duration,
            timings=timings,
        )
    if not state.hidden_deleted:
        return GradingResult(
            status="error",
            message="hidden files could not be removed; not graded",
            duration_s=duration,
            timings=timings,
        )
    return GradingResult(
        status="completed",
        message=summary,
        tests=tests,
        duration_s=duration,
        timings=timings,
        flags=tuple(state.flags),
    )


def _every_collected(state: plugin.PhaseTwo) -> tuple[TestOutcome, ...]:
    """One outcome per collected test; a test that never reported counts as failed."""
    missing = {
        node: TestOutcome(node, group, "failed", "no outcome: the test did not report one")
        for node, group in state.groups.items()
        if node not in state.outcomes
    }
    return tuple(state.outcomes.values()) + tuple(missing.values())

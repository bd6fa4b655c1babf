"""The grading flow both backends share: intake, phase 1 (execute), phase 2 (hidden tests), merge.

A backend only supplies ``run_phase``: how to run the runner on one bundle in a fresh sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sandbox.backends.base import ProgressCallback
from sandbox.backends.bundle import build_bundle
from sandbox.intake import IntakeError, sanitize_notebook
from sandbox.job import GradingJob
from sandbox.results import GradingResult, Timings

RunPhase = Callable[[GradingJob, str, bytes, "ProgressCallback | None"], GradingResult]


def grade_in_phases(
    job: GradingJob, run_phase: RunPhase, on_progress: ProgressCallback | None, *, use_cgroup: bool
) -> GradingResult:
    """Grade ``job`` with ``run_phase(job, phase, bundle, on_progress)``; always a verdict."""
    started = time.monotonic()
    try:
        notebook = sanitize_notebook(job.notebook)
    except IntakeError as exc:
        return GradingResult.failed("rejected", str(exc))
    first = run_phase(
        job, "execute", build_bundle(job, "execute", notebook, use_cgroup=use_cgroup), on_progress
    )
    if job.hidden_dir is None or first.retryable:
        return first.with_changes(duration_s=time.monotonic() - started)
    execution = {
        "status": first.execution_status or first.status,
        "cells_total": first.cells_total,
        "cells_executed": first.cells_executed,
        "error": first.execution_error or (None if first.status == "completed" else first.message),
    }
    executed = first.notebook if first.notebook is not None else notebook
    second = run_phase(
        job, "test", build_bundle(job, "test", executed, execution, use_cgroup=use_cgroup), None
    )
    return merge(first, second, time.monotonic() - started)


def merge(first: GradingResult, second: GradingResult, duration_s: float) -> GradingResult:
    """One verdict from both phases: phase 1's when the notebook failed, otherwise phase 2's."""
    status = first.status if first.status != "completed" else second.status
    messages = [first.message] + ([second.message] if second.message != first.message else [])
    logs = "".join(
        f"[{name}]\n{r.logs}\n" for name, r in (("execute", first), ("test", second)) if r.logs
    )
    return GradingResult(
        status=status,
        message="; ".join(m for m in messages if m),
        tests=second.tests,
        notebook=first.notebook,
        logs=logs,
        duration_s=duration_s,
        cells_total=first.cells_total,
        cells_executed=first.cells_executed,
        execution_status=first.execution_status or first.status,
        execution_error=first.execution_error,
        retryable=second.retryable,
        flags=second.flags,
        timings=Timings(
            container_start_s=first.timings.container_start_s + second.timings.container_start_s,
            kernel_start_s=first.timings.kernel_start_s,
            cells_s=first.timings.cells_s,
            tests_s=second.timings.tests_s,
        ),
    )

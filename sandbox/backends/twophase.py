"""The grading flow both backends share: the exercise kind's intake, then its phases, merged.

A backend only supplies ``run_phase``: how to run the runner on one bundle in a fresh sandbox. The
kind (``sandbox.kinds``, named by ``GradingJob.kind``) decides which phases run and with what; the
notebook kind's flow is ``execute_then_test``: phase 1 (execute), phase 2 (hidden tests), merge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.backends.base import ProgressCallback
from sandbox.backends.bundle import build_bundle
from sandbox.intake import IntakeError
from sandbox.job import GradingJob
from sandbox.results import GradingResult, Timings

RunPhase = Callable[[GradingJob, str, bytes, "ProgressCallback | None"], GradingResult]


@dataclass(frozen=True)
class Phases:
    """Runs one runner phase of ``job`` in a fresh sandbox: what a kind composes its grading of."""

    job: GradingJob
    run_phase: RunPhase
    on_progress: ProgressCallback | None
    use_cgroup: bool

    def run(
        self, phase: str, notebook: bytes, execution: dict | None = None, *, progress: bool = False
    ) -> GradingResult:
        """Phase ``phase`` ("execute" or "test") on ``notebook``; progress reported if asked."""
        bundle = build_bundle(self.job, phase, notebook, execution, use_cgroup=self.use_cgroup)
        return self.run_phase(self.job, phase, bundle, self.on_progress if progress else None)


def grade_in_phases(
    job: GradingJob, run_phase: RunPhase, on_progress: ProgressCallback | None, *, use_cgroup: bool
) -> GradingResult:
    """Grade ``job`` as its exercise kind says, with ``run_phase(job, phase, bundle, on_progress)``;
    always a verdict."""
    from sandbox.kinds import UnknownKind, kind_for  # the kinds build on this module's Phases

    started = time.monotonic()
    try:
        kind = kind_for(job.kind)
    except UnknownKind as exc:
        # A deployment without the exercise's kind: not the candidate's fault, so retried.
        message = f"{exc}; this is not the candidate's fault"
        return GradingResult.failed("error", message, retryable=True)
    try:
        submission = kind.accept(job.notebook)
    except IntakeError as exc:
        return GradingResult.failed("rejected", str(exc))
    result = kind.grade(job, submission, Phases(job, run_phase, on_progress, use_cgroup))
    return result.with_changes(duration_s=time.monotonic() - started)


def execute_then_test(job: GradingJob, notebook: bytes, phases: Phases) -> GradingResult:
    """The notebook kind: execute ``notebook`` (phase 1), then the hidden tests (phase 2)."""
    started = time.monotonic()
    first = phases.run("execute", notebook, progress=True)
    if job.hidden_dir is None or first.retryable:
        return first.with_changes(duration_s=time.monotonic() - started)
    execution = {
        "status": first.execution_status or first.status,
        "cells_total": first.cells_total,
        "cells_executed": first.cells_executed,
        "error": first.execution_error or (None if first.status == "completed" else first.message),
        "crosscheck": first.crosscheck,  # phase 1's answers to the cross-check's probes
    }
    executed = first.notebook if first.notebook is not None else notebook
    second = phases.run("test", executed, execution)
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
        interference=second.interference,
        flags=second.flags,
        timings=Timings(
            container_start_s=first.timings.container_start_s + second.timings.container_start_s,
            kernel_start_s=first.timings.kernel_start_s,
            cells_s=first.timings.cells_s,
            tests_s=second.timings.tests_s,
            crosscheck_s=first.timings.crosscheck_s + second.timings.crosscheck_s,
        ),
    )

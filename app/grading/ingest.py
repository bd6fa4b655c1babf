"""A sandbox result turned into what a worker stores (plain values for record_result)."""

from __future__ import annotations

from app.grading.exercises import Exercise
from app.grading.operations import ScoredRun
from app.grading.scoring import score
from sandbox.results import GradingResult

LOG_CHARS = 64_000


def scored_run(result: GradingResult, exercise: Exercise) -> ScoredRun:
    scored = score(result, exercise)
    return ScoredRun(
        verdict=result.status,
        message=result.message,
        score=scored.score,
        max_score=scored.max_score,
        duration_s=result.duration_s,
        cells_total=result.cells_total,
        cells_executed=result.cells_executed,
        groups=scored.groups,
        tests=tuple((t.id, t.group, t.outcome, t.message) for t in result.tests),
        executed_notebook=result.notebook,
        logs=result.logs[-LOG_CHARS:],
        flags=tuple((f.kind, f.group, f.test, f.message) for f in result.flags),
    )

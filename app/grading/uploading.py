"""A candidate's upload as one workflow: the stored submission and its queued grading run, the
audit row and the recruiters' notifications (the portal view parses, calls it and commits)."""

from __future__ import annotations

from typing import Any

from app import audit
from app.grading import operations
from app.grading.exercises import Exercise
from app.models import Assignment, GradingRun
from app.notifications import operations as notifications


def upload_notebook(
    assignment: Assignment,
    exercise: Exercise,
    filename: str,
    data: bytes,
    ai_disclosure: str,
    config: dict[str, Any],
) -> GradingRun:
    """Store the notebook (at most MAX_NOTEBOOK_BYTES) for grading, audit the upload and tell
    the job's recruiters. Raises DomainError; flushes, never commits."""
    run = operations.submit(
        assignment,
        filename or "notebook.ipynb",
        data,
        exercise.version,
        config["MAX_NOTEBOOK_BYTES"],
        ai_policy=exercise.ai_policy,
        ai_disclosure=ai_disclosure,
    )
    audit.record(
        "notebook.uploaded",
        candidate_id=assignment.application.candidate_id,
        target=f"submission:{run.submission_id}",
    )
    notifications.candidate_submitted(run.submission, config)
    return run

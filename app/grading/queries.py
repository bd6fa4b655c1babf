"""Read-only grading queries used by review, debrief and pipeline pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Assignment, GradingRun, GroupScore, RunStatus, Submission


@dataclass(frozen=True)
class Evidence:
    """One test group's result, as evidence for a rubric dimension."""

    exercise_slug: str
    group_id: str
    title: str
    score: float
    max_score: float
    message: str
    run_id: int


def latest_graded_runs(application_ids: list[int]) -> dict[int, list[GradingRun]]:
    """Per application: for each assignment, the newest graded run of its newest submission."""
    # Only these applications' submissions are grouped, not the whole table (the board calls this).
    newest_submission = (
        select(Submission.assignment_id, func.max(Submission.id).label("submission_id"))
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.application_id.in_(application_ids))
        .group_by(Submission.assignment_id)
        .subquery()
    )
    newest_run = (
        select(func.max(GradingRun.id))
        .join(newest_submission, newest_submission.c.submission_id == GradingRun.submission_id)
        .where(GradingRun.status == RunStatus.GRADED)
        .group_by(GradingRun.submission_id)
    )
    runs = db.session.scalars(
        select(GradingRun)
        .where(GradingRun.id.in_(newest_run))
        .options(db.joinedload(GradingRun.submission).joinedload(Submission.assignment))
    ).unique()
    by_application: dict[int, list[GradingRun]] = defaultdict(list)
    for run in runs:
        by_application[run.submission.assignment.application_id].append(run)
    return dict(by_application)


def evidence_by_dimension(application: Application) -> dict[str, list[Evidence]]:
    """Auto-grading evidence for an application, grouped by rubric dimension key."""
    runs = latest_graded_runs([application.id]).get(application.id, [])
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for run in runs:
        group: GroupScore
        for group in run.group_scores:
            evidence[group.dimension].append(
                Evidence(
                    exercise_slug=run.submission.assignment.exercise_slug,
                    group_id=group.group_id,
                    title=group.title,
                    score=group.score,
                    max_score=group.max_score,
                    message=group.message,
                    run_id=run.id,
                )
            )
    return dict(evidence)

"""Read-only grading queries used by review, debrief and pipeline pages."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from app.extensions import db
from app.grading.exercises import ExerciseError, installed_exercise
from app.models import Application, Assignment, GradingRun, GroupScore, RunStatus, Submission
from sandbox.runner.text import section


@dataclass(frozen=True)
class Evidence:
    """One test group's result, as evidence for a rubric dimension; or (``quote`` set) a section
    of the submission no test can judge, in the candidate's words, that earns no points."""

    exercise_slug: str
    group_id: str
    title: str
    score: float
    max_score: float
    message: str
    run_id: int
    quote: str | None = None  # the section's visible text ("" when the notebook has none)
    look_for: str = ""


def _latest_graded_run_ids(application_ids: list[int]) -> Select[int]:
    """Ids of, for each assignment of the applications, the newest graded run of its newest
    submission."""
    # Only these applications' submissions are grouped, not the whole table (the board calls this).
    newest_submission = (
        select(Submission.assignment_id, func.max(Submission.id).label("submission_id"))
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.application_id.in_(application_ids))
        .group_by(Submission.assignment_id)
        .subquery()
    )
    return (
        select(func.max(GradingRun.id))
        .join(newest_submission, newest_submission.c.submission_id == GradingRun.submission_id)
        .where(GradingRun.status == RunStatus.GRADED)
        .group_by(GradingRun.submission_id)
    )


def latest_graded_runs(application_ids: list[int]) -> dict[int, list[GradingRun]]:
    """Per application: for each assignment, the newest graded run of its newest submission."""
    runs = db.session.scalars(
        select(GradingRun)
        .where(GradingRun.id.in_(_latest_graded_run_ids(application_ids)))
        .options(db.joinedload(GradingRun.submission).joinedload(Submission.assignment))
    ).unique()
    by_application: dict[int, list[GradingRun]] = defaultdict(list)
    for run in runs:
        by_application[run.submission.assignment.application_id].append(run)
    return dict(by_application)


def latest_graded_scores(
    application_ids: list[int],
) -> list[tuple[int, float | None, float | None]]:
    """(application id, score, max score) of the runs latest_graded_runs picks, as plain rows
    (the board needs only these three values, not the loaded runs)."""
    return [
        (application_id, score, max_score)
        for application_id, score, max_score in db.session.execute(
            select(Assignment.application_id, GradingRun.score, GradingRun.max_score)
            .join(Submission, Submission.id == GradingRun.submission_id)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .where(GradingRun.id.in_(_latest_graded_run_ids(application_ids)))
        )
    ]


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
        for item in _quoted(run):
            evidence[item.dimension].append(item.evidence)
    return dict(evidence)


@dataclass(frozen=True)
class _Quote:
    dimension: str
    evidence: Evidence


QUOTE_LIMIT = 6000  # characters of a section shown on the scorecard


def _quoted(run: GradingRun) -> list[_Quote]:
    """The sections the run's exercise declares as `evidence`, read from its executed notebook
    as they render (hidden text left out)."""
    slug = run.submission.assignment.exercise_slug
    try:
        exercise = installed_exercise(slug)
    except ExerciseError:
        return []  # an exercise removed or broken since: its test groups still show
    cells = _cells(run.executed_notebook)
    quotes = []
    for item in exercise.evidence:
        text = (section(cells, item.heading) or "").strip()
        if len(text) > QUOTE_LIMIT:
            text = text[:QUOTE_LIMIT].rstrip() + " …"
        message = "" if text else f'The notebook has no section headed "{item.heading}".'
        quotes.append(
            _Quote(
                item.dimension,
                Evidence(
                    exercise_slug=slug,
                    group_id=f"text:{item.heading}",
                    title=item.title,
                    score=0.0,
                    max_score=0.0,
                    message=message,
                    run_id=run.id,
                    quote=text,
                    look_for=item.look_for,
                ),
            )
        )
    return quotes


def _cells(notebook: bytes | None) -> list:
    try:
        data = json.loads(notebook or b"{}")
    except ValueError:
        return []
    cells = data.get("cells") if isinstance(data, dict) else None
    return [cell for cell in cells if isinstance(cell, dict)] if isinstance(cells, list) else []

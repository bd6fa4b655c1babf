"""What each audience may see of a grading run, as plain dicts for templates and JSON.

Candidates see the overall status, progress, score and the groups the exercise marks visible;
never hidden test ids, test messages or logs. Staff see everything.
"""

from __future__ import annotations

from typing import Any

import mistune
from sqlalchemy import select

from app.auth import policy
from app.extensions import db
from app.grading.exercises import Exercise, ExerciseError, installed_exercise
from app.grading.rendering import sanitize_html
from app.models import Application, Assignment, Candidate, GradingRun, RunStatus, User
from app.timezones import when_text

CANDIDATE_MESSAGES = {
    "completed": "Graded.",
    "timeout": "Your notebook ran out of time; see which checks passed below.",
    "memory_exceeded": "Your notebook used more memory than allowed.",
    "crashed": "Your notebook's kernel died while running.",
    "rejected": "The upload was not accepted.",
    "error": "Grading failed on our side; we will retry it.",
}


def brief_html(exercise: Exercise) -> str:
    return sanitize_html(mistune.html(exercise.brief))


def progress_text(run: GradingRun) -> str:
    if run.status is RunStatus.QUEUED:
        return "Waiting for a grader…"
    if run.status is RunStatus.RUNNING:
        if run.cells_total:
            return f"Running cell {run.cells_done} of {run.cells_total}"
        return "Starting…"
    if run.status is RunStatus.FAILED:
        return "Grading failed; the hiring team has been told."
    return CANDIDATE_MESSAGES.get(run.verdict or "", "Graded.")


def candidate_status(run: GradingRun, viewer: User) -> dict[str, Any]:
    """The status page of a run as its candidate sees it (visible groups and their total)."""
    finished = run.status in (RunStatus.GRADED, RunStatus.FAILED)
    status: dict[str, Any] = {
        "status": run.status.value,
        "finished": finished,
        "progress": progress_text(run),
        "cells_done": run.cells_done,
        "cells_total": run.cells_total,
    }
    if run.status is RunStatus.GRADED:
        status["score"], status["max_score"] = policy.visible_total(viewer, run)
        status["groups"] = [
            {"title": g.title, "score": g.score, "max_score": g.max_score, "message": g.message}
            for g in policy.visible_group_scores(viewer, run)
        ]
    return status


def candidate_submissions(assignment: Assignment) -> list[dict[str, Any]]:
    return [
        {
            "id": submission.id,
            "filename": submission.filename,
            "submitted_at": submission.submitted_at,
            "status": progress_text(submission.runs[-1]) if submission.runs else "",
        }
        for submission in reversed(assignment.submissions)
    ]


def assignment_state(assignment: Assignment) -> str:
    if assignment.opened_at is None:
        return f"Not started (start before {when_text(assignment.open_by)})"
    if not assignment.submissions:
        return f"Started; due {when_text(assignment.deadline_at)}"
    latest = assignment.submissions[-1]
    return f"Uploaded; {progress_text(latest.runs[-1]).lower()}" if latest.runs else "Uploaded"


def candidate_assignments(candidate: Candidate) -> list[dict[str, Any]]:
    assignments = db.session.scalars(
        select(Assignment)
        .join(Application)
        .where(Application.candidate_id == candidate.id)
        .order_by(Assignment.assigned_at.desc())
    )
    return [
        {"assignment": a, "title": exercise_title(a.exercise_slug), "state": assignment_state(a)}
        for a in assignments
    ]


def exercise_title(slug: str) -> str:
    try:
        return installed_exercise(slug).title
    except ExerciseError:  # an exercise removed from disk still lists under its slug
        return slug

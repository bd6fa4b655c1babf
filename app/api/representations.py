"""What the API returns for each object, as plain JSON-ready dicts (shapes in openapi.py).

Which fields a viewer may see is never decided here: app/auth/policy.py answers it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.auth import policy
from app.grading import red_flags
from app.models import (
    Application,
    Candidate,
    GradingRun,
    Job,
    Scorecard,
    Stage,
    StageTransition,
    Submission,
    User,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def user(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role.value}


def stage(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id,
        "name": stage.name,
        "position": stage.position,
        "kind": stage.kind.value,
    }


def job(job: Job, with_stages: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.id,
        "title": job.title,
        "department": job.department,
        "is_open": job.is_open,
        "created_at": iso(job.created_at),
    }
    if with_stages:
        data["stages"] = [stage(s) for s in job.stages]
    return data


def candidate(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "name": candidate.name,
        "email": candidate.email,
        "source": candidate.source,
        "created_at": iso(candidate.created_at),
    }


def transition(move: StageTransition, viewer: User) -> dict[str, Any]:
    """A stage move; its actor and free-text reason only for those the policy shows them to."""
    return {
        "id": move.id,
        "from_stage_id": move.from_stage_id,
        "to_stage_id": move.to_stage_id,
        "at": iso(move.at),
        "actor_id": policy.move_actor_id(viewer, move),
        "reason": policy.move_reason(viewer, move),
    }


def application(app: Application, viewer: User, with_history: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": app.id,
        "candidate_id": app.candidate_id,
        "job_id": app.job_id,
        "stage": stage(app.stage),
        "applied_at": iso(app.applied_at),
        "stage_entered_at": iso(app.stage_entered_at),
    }
    if with_history:
        data["transitions"] = [transition(t, viewer) for t in app.transitions]
    return data


def run(run: GradingRun, viewer: User) -> dict[str, Any]:
    """A grading run; candidates see what their status page shows (visible groups and their
    total, no tests)."""
    staff = policy.shows_hidden_groups(viewer)
    score, max_score = policy.visible_total(viewer, run)
    data: dict[str, Any] = {
        "id": run.id,
        "status": run.status.value,
        "attempts": run.attempts,
        "queued_at": iso(run.queued_at),
        "finished_at": iso(run.finished_at),
        "cells_done": run.cells_done,
        "cells_total": run.cells_total,
        "verdict": run.verdict,
        "score": score,
        "max_score": max_score,
        "duration_s": run.duration_s,
        "groups": [
            {
                "id": g.group_id,
                "title": g.title,
                "dimension": g.dimension,
                "score": g.score,
                "max_score": g.max_score,
                "message": g.message,
            }
            for g in policy.visible_group_scores(viewer, run)
        ],
    }
    if staff:
        data["message"] = run.message
        data["tests"] = [
            {"id": t.test_id, "group": t.group_id, "outcome": t.outcome, "message": t.message}
            for t in run.test_outcomes
        ]
    if policy.shows_red_flags(viewer):
        data["red_flags"] = [flag.as_json() for flag in red_flags.evidence(viewer, run)]
    return data


def submission(submission: Submission, viewer: User, with_runs: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": submission.id,
        "assignment_id": submission.assignment_id,
        "application_id": submission.assignment.application_id,
        "exercise": submission.assignment.exercise_slug,
        "filename": policy.submission_filename(
            viewer, submission.assignment.application, submission.filename
        ),
        "sha256": submission.sha256,
        "size_bytes": submission.size_bytes,
        "submitted_at": iso(submission.submitted_at),
        "ai_policy": submission.ai_policy,
        "ai_disclosure": submission.ai_disclosure,
    }
    if with_runs:
        data["runs"] = [run(r, viewer) for r in submission.runs]
    return data


def scorecard(card: Scorecard) -> dict[str, Any]:
    return {
        "id": card.id,
        "interview_id": card.interview_id,
        "application_id": card.application_id,
        "interviewer_id": card.interviewer_id,
        "version": card.version,
        "status": card.status.value,
        "rubric_id": card.rubric_id,
        "rubric_version": card.rubric_version,
        "scores": [
            {"dimension": s.dimension, "level": s.level, "value": s.value, "notes": s.notes}
            for s in card.scores
        ],
        "signals": list(card.signals),
        "red_flags": list(card.red_flags),
        "recommendation": card.recommendation,
        "notes": card.notes,
        "submitted_at": iso(card.submitted_at),
        "superseded_at": iso(card.superseded_at),
    }


def page(items: list[dict[str, Any]], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page, "per_page": per_page, "total": total}

"""Read-only look-ups of the API: one page of a query, and the objects a token's user may reach
(an object they may not see answers 404, as if it did not exist)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from app.api.errors import ApiError
from app.api.inputs import Paging
from app.auth.independence import may_read_scorecard
from app.auth.policy import can_access_job, can_view_application, can_view_candidate
from app.extensions import db
from app.models import Application, Assignment, Candidate, Job, Scorecard, Submission, User
from app.security import MAX_ID

Row = TypeVar("Row")


def paged(query: Select[tuple[Row]], paging: Paging) -> tuple[Sequence[Any], int]:
    """The rows of one page and the total count of the query."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset = (paging.page - 1) * paging.per_page
    rows = db.session.scalars(query.limit(paging.per_page).offset(offset)).all()
    return rows, total


def _not_found(what: str, object_id: int) -> ApiError:
    return ApiError(404, f"There is no {what} with id {object_id} (or your account cannot see it).")


def _get(model: type[Any], object_id: int, what: str) -> Any:
    found = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if found is None:
        raise _not_found(what, object_id)
    return found


def visible_job(user: User, job_id: int) -> Job:
    job: Job = _get(Job, job_id, "job")
    if not can_access_job(user, job):
        raise _not_found("job", job_id)
    return job


def visible_candidate(user: User, candidate_id: int) -> Candidate:
    candidate: Candidate = _get(Candidate, candidate_id, "candidate")
    if not can_view_candidate(user, candidate):
        raise _not_found("candidate", candidate_id)
    return candidate


def visible_application(user: User, application_id: int) -> Application:
    application: Application = _get(Application, application_id, "application")
    if not can_view_application(user, application):
        raise _not_found("application", application_id)
    return application


def visible_submission(user: User, submission_id: int) -> Submission:
    submission: Submission = _get(Submission, submission_id, "submission")
    if not can_view_application(user, submission.assignment.application):
        raise _not_found("submission", submission_id)
    return submission


def own_assignment(user: User, assignment_id: int) -> Assignment:
    """A candidate's own assignment (no one else's, whatever their role)."""
    assignment: Assignment = _get(Assignment, assignment_id, "assignment")
    candidate = user.candidate
    if candidate is None or assignment.application.candidate_id != candidate.id:
        raise ApiError(404, f"There is no assignment with id {assignment_id} for your account.")
    return assignment


def submissions_of(application: Application) -> Sequence[Submission]:
    return db.session.scalars(
        select(Submission)
        .join(Assignment)
        .where(Assignment.application_id == application.id)
        .order_by(Submission.id)
    ).all()


def readable_scorecard(user: User, scorecard_id: int) -> Scorecard:
    """A scorecard the independence rule lets `user` read (app/auth/independence.py)."""
    card: Scorecard = _get(Scorecard, scorecard_id, "scorecard")
    if not may_read_scorecard(user, card):
        raise ApiError(
            404,
            f"There is no scorecard with id {scorecard_id} (or your account cannot read it yet).",
        )
    return card

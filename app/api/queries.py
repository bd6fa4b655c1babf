"""Read-only look-ups of the API: one page of a query, and the objects a token's user may reach
(an object they may not see answers 404, as if it did not exist)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def _visible(model: type[Any], what: str, may_see: Callable[[User, Any], bool]) -> Any:
    """A look-up of `model` by id that answers 404 for objects the user may not see."""

    def look_up(user: User, object_id: int) -> Any:
        found = _get(model, object_id, what)
        if not may_see(user, found):
            raise _not_found(what, object_id)
        return found

    look_up.__name__ = f"visible_{what}"
    return look_up


visible_job: Callable[[User, int], Job] = _visible(Job, "job", can_access_job)
visible_candidate: Callable[[User, int], Candidate] = _visible(
    Candidate, "candidate", can_view_candidate
)
visible_application: Callable[[User, int], Application] = _visible(
    Application, "application", can_view_application
)
visible_submission: Callable[[User, int], Submission] = _visible(
    Submission, "submission", lambda user, s: can_view_application(user, s.assignment.application)
)


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

"""Who may open the other side of a match: the one place similarity asks the access rules
(app/auth/policy.py)."""

from __future__ import annotations

from app.auth.policy import can_view_application
from app.models import Assignment, Submission, User


def may_open(viewer: User, submission: Submission) -> bool:
    return may_open_assignment(viewer, submission.assignment)


def may_open_assignment(viewer: User, assignment: Assignment) -> bool:
    return can_view_application(viewer, assignment.application)

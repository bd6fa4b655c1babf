"""Who may open the other side of a match: the one place similarity asks the access rules
(today `app/auth/objects.py`; swap this call when the policy module replaces it)."""

from __future__ import annotations

from app.auth.objects import can_view_application
from app.models import Submission, User


def may_open(viewer: User, submission: Submission) -> bool:
    return can_view_application(viewer, submission.assignment.application)

"""Blind review as templates ask it: on a job with `blind_review` set, an interviewer sees a
pseudonym instead of the candidate's name and email, and notebooks without their file name and
metadata, until they have submitted a scorecard for every interview of that candidate they sit on.
The rule itself is app/auth/policy.py (`is_blind`); this module adapts it to the signed-in user.
"""

from __future__ import annotations

from flask_login import current_user

from app.auth import policy
from app.models import Application, User

PSEUDONYM = "Candidate #{id}"


def candidate_label(application: Application, user: User | None = None) -> str:
    """The candidate's name, or a pseudonym when `user` (default: signed in) reviews blind."""
    user = user if user is not None else current_user
    if policy.is_blind(user, application):
        return PSEUDONYM.format(id=application.id)
    return application.candidate.name


def submission_filename(application: Application, filename: str) -> str:
    """Uploaded file names often carry the candidate's name: hidden while reviewing blind."""
    return policy.submission_filename(current_user, application, filename)

"""Blind review: on a job with `blind_review` set, an interviewer sees a pseudonym instead of the
candidate's name and email, and notebooks without their metadata, until they have submitted a
scorecard for every interview of that candidate they sit on (as the independence rule counts).
Recruiters and admins always see who the candidate is.
"""

from __future__ import annotations

from flask_login import current_user

from app.models import Application, Role, User
from app.scorecards import independence

PSEUDONYM = "Candidate #{id}"
BLIND_FILENAME = "notebook.ipynb"


def is_blind(user: User, application: Application) -> bool:
    if user.role is not Role.INTERVIEWER or not application.job.blind_review:
        return False
    panel = independence.panel_interviews_for_candidate(user, application.candidate_id)
    return not panel or bool(independence.unscored_interviews(user, application.candidate_id))


def candidate_label(application: Application, user: User | None = None) -> str:
    """The candidate's name, or a pseudonym when `user` (default: signed in) reviews blind."""
    user = user if user is not None else current_user
    if is_blind(user, application):
        return PSEUDONYM.format(id=application.id)
    return application.candidate.name


def submission_filename(application: Application, filename: str) -> str:
    """Uploaded file names often carry the candidate's name: hidden while reviewing blind."""
    return BLIND_FILENAME if is_blind(current_user, application) else filename

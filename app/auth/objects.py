"""Object-level access: which applications a signed-in user may see."""

from __future__ import annotations

from sqlalchemy import exists, select

from app.extensions import db
from app.models import Application, Interview, InterviewAssignment, Role, User


def on_interview_panel(user: User, application_id: int) -> bool:
    """True when `user` interviews the candidate of this application."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    InterviewAssignment.interviewer_id == user.id,
                    InterviewAssignment.interview_id == Interview.id,
                    Interview.application_id == application_id,
                )
            )
        )
    )


def can_view_application(user: User, application: Application) -> bool:
    """Recruiters and admins see every application; interviewers only those they interview;
    candidates only their own."""
    if user.role in (Role.ADMIN, Role.RECRUITER):
        return True
    if user.role is Role.INTERVIEWER:
        return on_interview_panel(user, application.id)
    return user.candidate is not None and application.candidate_id == user.candidate.id

"""Managing staff accounts (admins): deactivate, change role, reset a password. Flushes only.

Each change is audited and ends every session and API token of the person changed
(app/auth/sessions.end_sessions): a demoted or deactivated account loses its access at once,
and a reset password leaves no session opened with the old one.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app import audit
from app.auth.passwords import check_new_password, hash_password
from app.auth.sessions import end_sessions
from app.errors import DomainError
from app.extensions import db
from app.models import STAFF_ROLES, Role, User


def _staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise DomainError("Candidate accounts are managed from the candidate's page.")


def _other_active_admins(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
            )
        )
        or 0
    )


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (sessions and tokens end, sign-in refused) or reactivate a staff account."""
    _staff(user)
    if not active and user.id == actor.id:
        raise DomainError("You cannot deactivate your own account; ask another admin.")
    if not active and user.role is Role.ADMIN and not _other_active_admins(user):
        raise DomainError("This is the last active admin; make someone else admin first.")
    if user.active == active:
        raise DomainError(f"{user.name} is already {'active' if active else 'deactivated'}.")
    user.active = active
    end_sessions(user)
    audit.record(
        "user.activated" if active else "user.deactivated", target=f"user:{user.id}", actor=actor
    )
    db.session.flush()


def change_role(user: User, role: Role, actor: User) -> None:
    """Give a staff account another staff role; their sessions end so the new role applies."""
    _staff(user)
    if role not in STAFF_ROLES:
        raise DomainError("Choose a staff role: admin, recruiter or interviewer.", field="role")
    if role is user.role:
        raise DomainError(f"{user.name} already is {role.label.lower()}.", field="role")
    if user.role is Role.ADMIN and not _other_active_admins(user):
        raise DomainError("This is the last active admin; make someone else admin first.")
    audit.record(
        "user.role_changed",
        target=f"user:{user.id}",
        detail=f"{user.role.value} -> {role.value}",
        actor=actor,
    )
    user.role = role
    end_sessions(user)
    db.session.flush()


def reset_password(user: User, password: str, actor: User) -> None:
    """Set a new password (the common-password and own-email rules apply); sessions end."""
    _staff(user)
    check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit.record("user.password_reset", target=f"user:{user.id}", actor=actor)
    db.session.flush()

"""Server-side revocable sessions.

A session cookie names its user AND the user's `session_epoch` at sign-in ("12:3"); every request
re-reads the user and refuses the cookie when the epoch moved on. `end_sessions` moves it (and
revokes the person's API tokens), so logging out, a password or role change, deactivation,
invite revocation and erasure end every session of that person at once — a copied cookie is
worthless afterwards. A candidate's session is also bound to the invite it was opened with: when
that invite expires or is revoked, the session ends with it.
"""

from __future__ import annotations

from flask import session
from sqlalchemy import select, update
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import ApiToken, Invite, Role, User, now_utc

INVITE_KEY = "invite_id"


def session_id(user: User) -> str:
    """What the session cookie stores for `user` (Flask-Login's user id)."""
    return f"{user.id}:{user.session_epoch}"


def load_user(value: str) -> User | None:
    """Flask-Login's user loader: the user a session names, or None when that session ended."""
    user_id, _, epoch = value.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None  # a cookie from before revocable sessions, or forged: sign in again
    user = db.session.get(User, int(user_id), options=[undefer(User.unread_notifications)])
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    if user.role is Role.CANDIDATE and not _invite_still_valid(user, session.get(INVITE_KEY)):
        return None
    return user


def _invite_still_valid(user: User, invite_id: object) -> bool:
    if not isinstance(invite_id, int):
        return False
    invite = db.session.get(Invite, invite_id)
    return (
        invite is not None
        and invite.candidate.user_id == user.id
        and invite.revoked_at is None
        and invite.expires_at > now_utc()
    )


def has_valid_invite(user: User) -> bool:
    """Whether a candidate account holds any invite that is neither revoked nor expired (their
    API tokens work only then)."""
    if user.candidate is None:
        return False
    return bool(
        db.session.scalar(
            select(Invite.id).where(
                Invite.candidate_id == user.candidate.id,
                Invite.revoked_at.is_(None),
                Invite.expires_at > now_utc(),
            )
        )
    )


def bind_invite(invite: Invite) -> None:
    """Remember which invite opened this (candidate's) session."""
    session[INVITE_KEY] = invite.id


def end_sessions(user: User) -> None:
    """End every session and revoke every API token of `user`. Flushes; the caller commits."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()

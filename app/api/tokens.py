"""API tokens: create (the plain token is returned once), revoke, and resolve a bearer token.

A token is 32 random bytes (urlsafe), so a fast unsalted SHA-256 is enough to store it: there is
nothing to brute-force that a slow hash would protect.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.sessions import has_valid_invite
from app.errors import DomainError
from app.extensions import db
from app.models import ApiToken, Role, User, now_utc

TOKEN_PREFIX = "hl_"
MAX_NAME = 100
MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = timedelta(minutes=5)  # write last_used_at at most this often


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the row and the plain token (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise DomainError("Name the token after what will use it (e.g. 'ATS sync').", field="name")
    if len(name) > MAX_NAME:
        raise DomainError(f"Keep the name under {MAX_NAME} characters.", field="name")
    if not user.active:
        raise DomainError(f"{user.email} is deactivated and cannot hold API tokens.")
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use."
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=plain[:10], token_sha256=digest(plain))
    db.session.add(token)
    db.session.flush()
    return token, plain


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(token: ApiToken, actor: User) -> None:
    """Revoke one of `actor`'s own tokens (it stops working at once)."""
    if token.user_id != actor.id:
        raise DomainError("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        db.session.flush()


def user_for_token(plain: str, now: datetime | None = None) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, user deactivated)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.user.role is Role.CANDIDATE and not has_valid_invite(token.user):
        return None  # a candidate's access lasts as long as an invite of theirs
    now = now or now_utc()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token.user

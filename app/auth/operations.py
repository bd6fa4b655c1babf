"""Accounts, sign-in and invite links."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import audit
from app.auth.passwords import (
    DUMMY_HASH,
    check_new_password,
    hash_password,
    verify_password,
)
from app.auth.policy import require_not_erased
from app.auth.sessions import end_sessions
from app.errors import DuplicateError, InvalidInvite
from app.extensions import db
from app.models import Candidate, Invite, Role, User, now_utc

INVITE_SALT = "hirelab.invite"
CANDIDATE_ACCOUNT_DOMAIN = "accounts.invalid"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, password: str | None) -> User:
    """Create a staff user (password required) or a candidate account (no password)."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DuplicateError(f"A user with the email {email} already exists.", field="email")
    if role is not Role.CANDIDATE:
        check_new_password(password or "", email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active staff user with these credentials, or None."""
    user = find_user_by_email(email)
    if user is None or user.role is Role.CANDIDATE or not user.active:
        verify_password(DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


def record_failed_sign_in(email: str) -> None:
    """Audit a refused password: for which account, or that none has this address."""
    known = find_user_by_email(email)
    audit.record(
        "login.failed",
        target=f"user:{known.id}" if known else "",
        detail="wrong password" if known else "unknown account",
    )


def _account_email(candidate: Candidate) -> str:
    """A candidate account's email: the candidate's own, unless another account (a separate
    candidate with the same address in jobs of other recruiters, or staff) holds it. Candidates
    sign in by invite link only, so the address is a label, not a credential."""
    if find_user_by_email(candidate.email) is None:
        return candidate.email
    return f"candidate-{candidate.id}@{CANDIDATE_ACCOUNT_DOMAIN}"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=INVITE_SALT)


def issue_invite(
    candidate: Candidate, actor: User | None, secret_key: str, max_age: timedelta
) -> tuple[Invite, str]:
    """Create an invite (and the candidate's account, once) and return it with its signed token."""
    require_not_erased(candidate)
    if candidate.user is None:
        candidate.user = create_user(
            _account_email(candidate), candidate.name, Role.CANDIDATE, None
        )
    invite = Invite(
        candidate=candidate,
        nonce=secrets.token_urlsafe(24),
        created_by=actor,
        expires_at=now_utc() + max_age,
    )
    db.session.add(invite)
    db.session.flush()
    token = _serializer(secret_key).dumps({"invite": invite.id, "nonce": invite.nonce})
    return invite, token


def invite_candidate(candidate: Candidate, actor: User, config: Mapping[str, Any]) -> str:
    """A recruiter's invite link for `candidate` (the configured lifetime), audited; returns the
    signed token."""
    invite, token = issue_invite(candidate, actor, config["SECRET_KEY"], config["INVITE_MAX_AGE"])
    audit.record("invite.issued", candidate_id=candidate.id, target=f"invite:{invite.id}")
    return token


def redeem_invite(token: str, secret_key: str, now: datetime | None = None) -> Invite:
    """Return the invite a token names (its candidate's account signs in), or raise InvalidInvite.

    The signature proves the link was issued here; the row decides expiry and revocation.
    """
    now = now or now_utc()
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)
    except BadSignature as error:
        raise InvalidInvite(
            "This invite link is not valid. Check that you copied all of it."
        ) from error
    invite = db.session.get(Invite, payload.get("invite")) if isinstance(payload, dict) else None
    if invite is None or not secrets.compare_digest(invite.nonce, str(payload.get("nonce", ""))):
        raise InvalidInvite("This invite link is not valid. Check that you copied all of it.")
    if invite.revoked_at is not None:
        raise InvalidInvite("This invite link was withdrawn. Ask your recruiter for a new one.")
    if invite.expires_at <= now:
        raise InvalidInvite("This invite link has expired.", expired=True)
    user = invite.candidate.user
    if user is None or not user.active or invite.candidate.erased_at is not None:
        raise InvalidInvite(
            "This invite link is no longer active. Ask your recruiter for a new one."
        )
    invite.last_used_at = now
    return invite


def revoke_invite(invite: Invite) -> None:
    """Withdraw an invite and end the candidate's sessions and API tokens with it."""
    invite.revoked_at = invite.revoked_at or now_utc()
    if invite.candidate.user is not None:
        end_sessions(invite.candidate.user)

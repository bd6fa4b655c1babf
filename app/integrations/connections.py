"""ATS connections: created by an admin (the API key is shown once, only its SHA-256 is kept),
revoked by an admin, and resolved from the HTTP Basic credentials of a partner request.

A key is HMAC-SHA256(SECRET_KEY, a random salt): 32 unguessable bytes, so an unsalted SHA-256 is
enough to look it up (as API tokens). The row holds the salt and the hash, never the key; HireLab
derives the key again (with SECRET_KEY, which is not in the database) only to authenticate its
completion callbacks to the ATS, as the contract asks. Rotating SECRET_KEY therefore invalidates
every ATS key (as it does sessions and invite links): reconnect the ATS after rotating it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from app import audit
from app.api.tokens import digest
from app.errors import DomainError
from app.extensions import db
from app.models import AtsConnection, Job, User, now_utc

KEY_PREFIX = "hlats_"
MAX_NAME = 100
MAX_KEY = 170  # Greenhouse accepts API keys of fewer than 171 characters
LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_key(secret_key: str, salt: str) -> str:
    mac = hmac.new(secret_key.encode(), f"ats-key:{salt}".encode(), hashlib.sha256).digest()
    return KEY_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def create_connection(
    name: str, job_ids: list[int], actor: User, secret_key: str
) -> tuple[AtsConnection, str]:
    """Connect an ATS to the given jobs; returns the row and the plain API key (shown once)."""
    name = name.strip()
    if not name:
        raise DomainError("Name the connection after the ATS (e.g. 'Greenhouse').", field="name")
    if len(name) > MAX_NAME:
        raise DomainError(f"Keep the name under {MAX_NAME} characters.", field="name")
    jobs = list(db.session.scalars(select(Job).where(Job.id.in_(job_ids), Job.is_open)))
    if not jobs or len(jobs) != len(set(job_ids)):
        raise DomainError(
            "Choose at least one open job: the ATS can order tests in those jobs only.",
            field="jobs",
        )
    salt = secrets.token_urlsafe(32)
    plain = api_key(secret_key, salt)
    connection = AtsConnection(
        name=name,
        key_prefix=plain[:12],
        key_sha256=digest(plain),
        key_salt=salt,
        created_by=actor,
        jobs=jobs,
    )
    db.session.add(connection)
    db.session.flush()
    audit.record(
        "ats.connection_created",
        target=f"ats_connection:{connection.id}",
        detail="jobs " + ", ".join(str(job.id) for job in jobs),
        actor=actor,
    )
    return connection, plain


def revoke_connection(connection: AtsConnection, actor: User) -> None:
    """The key stops working at once; the orders stay for the record."""
    if connection.revoked_at is not None:
        return
    connection.revoked_at = now_utc()
    audit.record("ats.connection_revoked", target=f"ats_connection:{connection.id}", actor=actor)
    db.session.flush()


def all_connections() -> list[AtsConnection]:
    return list(db.session.scalars(select(AtsConnection).order_by(AtsConnection.id.desc())))


def basic_auth_key(header: str) -> str | None:
    """The API key of an `Authorization: Basic base64(key:)` header (the key is the user name)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    key = decoded.partition(":")[0].strip()
    return key or None


def connection_for_key(plain: str, now: datetime | None = None) -> AtsConnection | None:
    """The active connection an API key belongs to, or None (unknown or revoked)."""
    if not plain.startswith(KEY_PREFIX) or len(plain) > MAX_KEY:
        return None
    connection = db.session.scalar(
        select(AtsConnection).where(AtsConnection.key_sha256 == digest(plain))
    )
    if connection is None or not connection.is_active:
        return None
    now = now or now_utc()
    if connection.last_used_at is None or now - connection.last_used_at > LAST_USED_RESOLUTION:
        connection.last_used_at = now
        db.session.flush()
    return connection

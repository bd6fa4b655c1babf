"""A small sliding-window rate limiter stored in the database (shared by every web process).

A key ("login-ip:203.0.113.7") may be hit `limit` times within `window_s` seconds; `retry_after`
says how long until the oldest counted hit leaves the window.

Attempts are atomic: `reserve` takes a lock per key (PostgreSQL: a transaction-scoped advisory
lock; SQLite: the database's single write lock, taken by the first statement), then checks and
counts in the same transaction, so parallel attempts cannot all pass a check made before any of
them was counted. The caller commits the reservation BEFORE checking the password, and `release`s
it when the attempt succeeded: only failures stay counted, so people who get it right are never
slowed down.

The policy lives here too: `sign_in_attempt` and `invite_attempt` decide who is counted (the
network address, and for sign-ins the hashed email), under which configured limit, and what a
refused person reads; the views only ask, commit and render.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text

from app import audit
from app.auth.operations import normalise_email
from app.extensions import db
from app.models import RateLimitHit, now_utc
from app.settings_types import Limit

__all__ = [
    "Attempt",
    "Limit",
    "invite_attempt",
    "purge",
    "release",
    "reserve",
    "retry_after",
    "sign_in_attempt",
]


@dataclass(frozen=True)
class Attempt:
    """One try at a limited door: refused (`wait` seconds, and the `message` to show), or
    counted (`hit_ids`, to `release` once the try succeeds)."""

    wait: int = 0
    message: str = ""
    hit_ids: tuple[int, ...] = ()

    @property
    def refused(self) -> bool:
        return self.wait > 0

    def succeeded(self) -> None:
        """Uncount this try: only failures stay counted."""
        release(list(self.hit_ids))


def wait_message(seconds: int, what: str) -> str:
    minutes = max(1, round(seconds / 60))
    return f"Too many {what}. Wait {minutes} minute{'s' if minutes > 1 else ''} and try again."


def sign_in_attempt(remote_addr: str | None, email: str, config: Mapping[str, Any]) -> Attempt:
    """Count a sign-in from this address for this account (LOGIN_RATE_LIMIT each), or refuse it
    and audit the refusal. Flushes; the caller commits before it checks the password, so
    parallel tries see the count."""
    # Hashed: the limiter's table must not keep the addresses people typed.
    hashed = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:40]
    keys = (f"login-ip:{remote_addr}", f"login-email:{hashed}")
    wait, hit_ids = reserve(keys, config["LOGIN_RATE_LIMIT"])
    if wait:
        audit.record("login.rate_limited", detail=f"retry after {wait} s")
        return Attempt(wait, wait_message(wait, "failed sign-ins"))
    return Attempt(hit_ids=tuple(hit_ids))


def invite_attempt(remote_addr: str | None, config: Mapping[str, Any]) -> Attempt:
    """Count an invite link opened from this address (INVITE_RATE_LIMIT), or refuse it.
    Flushes; the caller commits before it checks the link."""
    wait, hit_ids = reserve((f"invite-ip:{remote_addr}",), config["INVITE_RATE_LIMIT"])
    if wait:
        what = "invalid invite links were opened from your network"
        return Attempt(wait, wait_message(wait, what))
    return Attempt(hit_ids=tuple(hit_ids))


def retry_after(key: str, limit: Limit, now: datetime | None = None) -> int:
    """Seconds until `key` may try again (0: it may try now)."""
    now = now or now_utc()
    since = now - timedelta(seconds=limit.window_s)
    count, oldest = db.session.execute(
        select(func.count(), func.min(RateLimitHit.at)).where(
            RateLimitHit.key == key, RateLimitHit.at > since
        )
    ).one()
    if count < limit.limit:
        return 0
    return max(1, int((oldest - since).total_seconds()) + 1)


def reserve(
    keys: tuple[str, ...], limit: Limit, now: datetime | None = None
) -> tuple[int, list[int]]:
    """Atomically count one attempt for every key, or none: (0, the hit ids to `release` if the
    attempt succeeds), or (seconds to wait, []) when any key is at its limit. Flushes; the caller
    commits at once, before the attempt is checked."""
    now = now or now_utc()
    keys = tuple(sorted({key[:200] for key in keys}))  # one order everywhere: no deadlocks
    _lock(keys, limit, now)
    wait = max(retry_after(key, limit, now) for key in keys)
    if wait:
        return wait, []
    hits = [RateLimitHit(key=key, at=now) for key in keys]
    db.session.add_all(hits)
    db.session.flush()
    return 0, [hit.id for hit in hits]


def _lock(keys: tuple[str, ...], limit: Limit, now: datetime) -> None:
    """Serialise attempts on these keys until the transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        for key in keys:
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )
    # On SQLite this write is what takes the (database-wide) write lock; on both it forgets the
    # hits that left the window.
    db.session.execute(
        delete(RateLimitHit).where(
            RateLimitHit.key.in_(keys), RateLimitHit.at <= now - timedelta(seconds=limit.window_s)
        )
    )


def release(hit_ids: list[int]) -> None:
    """Uncount a reserved attempt that succeeded."""
    if hit_ids:
        db.session.execute(delete(RateLimitHit).where(RateLimitHit.id.in_(hit_ids)))


def purge(older_than: datetime) -> int:
    """Delete every hit older than `older_than` (the retention command calls this)."""
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < older_than))
    return result.rowcount or 0

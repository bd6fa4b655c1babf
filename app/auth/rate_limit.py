"""A small sliding-window rate limiter stored in the database (shared by every web process).

A key ("login-ip:203.0.113.7") may be hit `limit` times within `window_s` seconds; `retry_after`
says how long until the oldest counted hit leaves the window.

Attempts are atomic: `reserve` takes a lock per key (PostgreSQL: a transaction-scoped advisory
lock; SQLite: the database's single write lock, taken by the first statement), then checks and
counts in the same transaction, so parallel attempts cannot all pass a check made before any of
them was counted. The caller commits the reservation BEFORE checking the password, and `release`s
it when the attempt succeeded: only failures stay counted, so people who get it right are never
slowed down.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text

from app.extensions import db
from app.models import RateLimitHit, now_utc
from app.settings_types import Limit

__all__ = ["Limit", "purge", "release", "reserve", "retry_after"]


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

"""A small sliding-window rate limiter stored in the database (shared by every web process).

A key ("login-ip:203.0.113.7") may be hit `limit` times within `window_s` seconds; `retry_after`
says how long until the oldest counted hit leaves the window. Only failures are counted for
sign-in and invite links, so people who get it right are never slowed down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import RateLimitHit, now_utc


@dataclass(frozen=True)
class Limit:
    limit: int
    window_s: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "10/300" → 10 hits per 300 seconds."""
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(
                f"rate limit {text!r}: write it as HITS/SECONDS, e.g. 10/300"
            ) from None
        if count < 1 or seconds < 1:
            raise ValueError(f"rate limit {text!r}: both numbers must be positive")
        return cls(count, seconds)


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


def hit(key: str, limit: Limit, now: datetime | None = None) -> None:
    """Count one hit for `key` and forget its hits that left the window."""
    now = now or now_utc()
    db.session.execute(
        delete(RateLimitHit).where(
            RateLimitHit.key == key, RateLimitHit.at <= now - timedelta(seconds=limit.window_s)
        )
    )
    db.session.add(RateLimitHit(key=key[:200], at=now))
    db.session.flush()


def purge(older_than: datetime) -> int:
    """Delete every hit older than `older_than` (the retention command calls this)."""
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.at < older_than))
    return result.rowcount or 0

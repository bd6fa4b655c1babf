"""The task queue: Huey on a SQLite file by default, on Redis when QUEUE_URL is a redis URL.

The queue only carries ids and is a wake-up signal; the database rows are the source of truth
(app/outbox): a lost or duplicated message is harmless, the outbox sweeper re-sends what was lost.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from redis import ConnectionPool

# A dead broker must fail fast (the outbox keeps the work), never hang a request or a worker.
REDIS_CONNECT_TIMEOUT_S = 3
REDIS_SOCKET_TIMEOUT_S = 10  # above the consumer's 1 s blocking read


def make_queue(url: str, name: str = "hirelab") -> Huey:
    """A Huey instance for `url` (sqlite:///path, redis://host:port/db or memory:// for tests);
    installations sharing one Redis keep apart by `name` (QUEUE_NAME)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    if scheme in {"redis", "rediss", "unix"}:
        pool = ConnectionPool.from_url(
            url,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
            socket_timeout=REDIS_SOCKET_TIMEOUT_S,
            health_check_interval=30,
        )
        return RedisHuey(name, connection_pool=pool, results=False)
    if scheme == "memory":
        return MemoryHuey(name, results=False)
    raise ValueError(
        f"QUEUE_URL {url!r} is not supported: use sqlite:///path or redis://host:port/db"
    )

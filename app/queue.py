"""The task queue: Huey on a SQLite file by default, on Redis when QUEUE_URL is a redis URL.

The queue only carries run ids; the database rows are the source of truth (see grading/worker.py),
so a lost or duplicated message is harmless.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey


def make_queue(url: str, name: str = "hirelab") -> Huey:
    """A Huey instance for `url` (sqlite:///path, redis://host:port/db or memory:// for tests);
    installations sharing one Redis keep apart by `name` (QUEUE_NAME)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path))
    if scheme in {"redis", "rediss", "unix"}:
        return RedisHuey(name, url=url)
    if scheme == "memory":
        return MemoryHuey(name)
    raise ValueError(
        f"QUEUE_URL {url!r} is not supported: use sqlite:///path or redis://host:port/db"
    )


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Grading threads in this process.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run a grading worker (Huey consumer); start more on any machine that shares the database."""
    from app.grading.tasks import grading_queue

    if workers < 1:
        raise click.UsageError("--workers must be at least 1.")
    queue = grading_queue()
    click.echo(f"Grading worker: {workers} thread(s) on {current_app.config['QUEUE_URL']}")
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

"""Re-dispatching what the queue lost: runs in a thread of every `flask worker` (and `flask queue
sweep`), independent of the broker, so a flushed or restarted Redis loses nothing.

Each tick: hand expired grading leases back (their worker died), then look at every pending task
whose latest message fell due more than the re-dispatch delay ago. A task whose message still sits
in the broker is in flight (a long backlog is not a loss); otherwise its consumer says what is
left: nothing (done), a later moment (in flight, e.g. a live lease), or a new message now. Several
workers may sweep at once: rows are locked with SKIP LOCKED and consumers are idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from app import outbox
from app.extensions import db
from app.models import OutboxTask, now_utc
from app.outbox.dispatch import dispatcher

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SweepReport:
    redispatched: list[tuple[str, int]] = field(default_factory=list)
    completed: int = 0
    adopted: list[tuple[str, int]] = field(default_factory=list)
    released: list[int] = field(default_factory=list)


def sweep(app: Flask, redispatch_after: timedelta) -> SweepReport:
    """One pass over the outbox (commits); see the module docstring."""
    report = SweepReport()
    with app.app_context():
        hooks: list[Callable[[], list[int]]] = app.extensions.get("outbox_sweep_hooks", [])
        for hook in hooks:  # e.g. expired grading leases, stale sandbox containers
            report.released += hook()
        now = now_utc()
        overdue = db.session.scalars(
            select(OutboxTask)
            .where(OutboxTask.done_at.is_(None), OutboxTask.due_at < now - redispatch_after)
            .order_by(OutboxTask.due_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        consumers = dispatcher().consumers
        waiting = broker_messages() if overdue else set()
        for task in overdue:
            consumer = consumers.get(task.kind)
            if consumer is None or waiting is None:  # the broker is down: nothing to send to
                continue
            if (consumer.task.name, task.target_id) in waiting:
                task.due_at = now  # still queued behind others: look again later
                continue
            until = consumer.pending_until(task.target_id, now)
            if until is None:
                task.done_at = now
                report.completed += 1
            elif until > now:
                task.due_at = until
            else:
                task.due_at = now
                task.dispatches += 1
                outbox.dispatch_after_commit(task.kind, task.target_id)
                report.redispatched.append((task.kind, task.target_id))
        db.session.flush()
        for kind, consumer in consumers.items():
            if consumer.strays is None:
                continue
            for target_id in consumer.strays(now - redispatch_after):
                outbox.enqueue(kind, target_id)
                report.adopted.append((kind, target_id))
        db.session.commit()
    if report.redispatched or report.adopted:
        log.warning(
            "outbox sweep: re-dispatched %s, adopted %s",
            report.redispatched[:20],
            report.adopted[:20],
        )
    return report


def broker_messages() -> set[tuple[str, int]] | None:
    """(task name, target id) of every message waiting in the broker (queued or scheduled);
    None when the broker cannot be read."""
    huey = dispatcher().huey
    try:
        messages = [*huey.pending(), *huey.scheduled()]
    except Exception as error:
        log.warning("outbox sweep: the queue is unreachable (%s)", error)
        return None
    return {(m.name, m.args[0]) for m in messages if m.args}


class Sweeper(threading.Thread):
    """Sweeps every `interval` seconds until stopped; a failed sweep (database down) is retried."""

    def __init__(self, app: Flask, interval: float, redispatch_after: timedelta) -> None:
        super().__init__(name="outbox-sweeper", daemon=True)
        self.app, self.interval, self.redispatch_after = app, interval, redispatch_after
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                sweep(self.app, self.redispatch_after)
            except Exception:
                log.exception("outbox sweep failed; retrying in %.0f s", self.interval)
                with self.app.app_context():
                    db.session.rollback()
            if self.stopped.wait(self.interval):
                return

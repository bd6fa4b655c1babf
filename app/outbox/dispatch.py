"""Handing committed outbox tasks to the queue: one Huey task per kind, registered at start-up.

A failed hand-over (the broker is down) is logged and forgotten: the row is committed, so the
sweeper sends it once the broker is back. The request that caused it never sees the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.outbox import KINDS, PENDING_KEY

log = logging.getLogger(__name__)

# For the sweeper: when a target next needs a queue message (now or later), None when done.
PendingUntil = Callable[[int, datetime], datetime | None]
# For the sweeper: targets that need the side effect but have no pending task (older rows).
Strays = Callable[[datetime], list[int]]


@dataclass(frozen=True)
class Consumer:
    task: Any  # the Huey task wrapper; called with the target id
    pending_until: PendingUntil
    strays: Strays | None = None


@dataclass
class Dispatcher:
    huey: Huey
    consumers: dict[str, Consumer] = field(default_factory=dict)

    def register(self, kind: str, consumer: Consumer) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown outbox task kind {kind!r}")
        self.consumers[kind] = consumer

    def send(self, kind: str, target_id: int, delay_s: float = 0.0) -> None:
        task = self.consumers[kind].task
        if delay_s > 0:
            task.schedule((target_id,), delay=delay_s)
        else:
            task(target_id)


def init_outbox(app: Flask, huey: Huey) -> Dispatcher:
    dispatcher = Dispatcher(huey)
    app.extensions["outbox"] = dispatcher
    return dispatcher


def dispatcher() -> Dispatcher:
    found: Dispatcher = current_app.extensions["outbox"]
    return found


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context() or "outbox" not in current_app.extensions:
        return
    sender = dispatcher()
    for kind, target_id, delay_s in pending:
        try:
            sender.send(kind, target_id, delay_s)
        except Exception as error:  # the broker is down: the sweeper sends them later
            log.warning(
                "queue unavailable (%s): %d outbox task(s) left to the sweeper",
                error,
                len(pending),
            )
            return


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    """Rolled back or closed without a commit: its side effects never happened (after_commit
    has already taken those of a committed transaction)."""
    if transaction.parent is None:
        session.info.pop(PENDING_KEY, None)

"""The transactional outbox: every side effect (grade a run, deliver a webhook, send a mail, call
an ATS back) is an
OutboxTask row written in the same transaction as the change that causes it.

After the commit the dispatcher hands it to the queue (dispatch.py); a sweeper in every worker
re-dispatches whatever was lost on the way (sweeper.py). The queue is only a wake-up signal: the
consumers look at the database and are idempotent, so a duplicate message does nothing.

Operations call `enqueue` (flushes, never commits); views, API and CLI never touch the queue.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, exists, select, update

from app.extensions import db
from app.models import OutboxTask, now_utc

KIND_GRADE = "grade_run"
KIND_WEBHOOK = "deliver_webhook"
KIND_MAIL = "send_mail"
KIND_ATS_CALLBACK = "ats_callback"
KINDS = (KIND_GRADE, KIND_WEBHOOK, KIND_MAIL, KIND_ATS_CALLBACK)

PENDING_KEY = "outbox_dispatch"  # session.info: (kind, target id, delay) to hand over after commit


def enqueue(kind: str, target_id: int, delay_s: float = 0.0) -> OutboxTask:
    """Record that `kind` must happen to `target_id` in `delay_s` (the pending task of that target
    is reused); the queue gets a message once the caller's transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox task kind {kind!r}")
    due = now_utc() + timedelta(seconds=delay_s)
    task = db.session.scalar(
        select(OutboxTask)
        .where(
            OutboxTask.kind == kind,
            OutboxTask.target_id == target_id,
            OutboxTask.done_at.is_(None),
        )
        .limit(1)
    )
    if task is None:
        task = OutboxTask(kind=kind, target_id=target_id, due_at=due)
        db.session.add(task)
    else:
        task.due_at = due
        task.dispatches += 1
    db.session.flush()
    dispatch_after_commit(kind, target_id, delay_s)
    return task


def dispatch_after_commit(kind: str, target_id: int, delay_s: float = 0.0) -> None:
    db.session.info.setdefault(PENDING_KEY, []).append((kind, target_id, delay_s))


def complete(kind: str, target_id: int, error: str = "") -> None:
    """The side effect happened (or can never happen): its pending task is done."""
    db.session.execute(
        update(OutboxTask)
        .where(
            OutboxTask.kind == kind,
            OutboxTask.target_id == target_id,
            OutboxTask.done_at.is_(None),
        )
        .values(done_at=now_utc(), last_error=error[:2000])
        .execution_options(synchronize_session=False)
    )


def has_pending_task(kind: str, target_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL condition: the target (an id column) has a task of `kind` that is not done yet."""
    return exists().where(
        OutboxTask.kind == kind,
        OutboxTask.target_id == target_id,
        OutboxTask.done_at.is_(None),
    )

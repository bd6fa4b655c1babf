"""The grading consumer on the queue, and what the outbox sweeper needs to know about runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from huey import Huey
from sqlalchemy import select

from app import outbox
from app.extensions import db
from app.grading import operations
from app.grading.backends import make_backend
from app.grading.exercises import exercise_in
from app.grading.ingest import scored_run
from app.grading.sandboxes import (
    remove_sandbox_containers,
    remove_stale_sandboxes,
    remove_unused_sandboxes,
)
from app.grading.worker import GradingWorker, sandbox_label
from app.models import GradingRun, RunStatus
from app.outbox.dispatch import Consumer, Dispatcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GradingQueue:
    huey: Huey
    grade_run: Any  # the Huey task wrapper

    def enqueue(self, run_id: int) -> None:
        """Send a message for a run now (tools and tests; the app goes through the outbox)."""
        self.grade_run(run_id)


def grading_queue() -> GradingQueue:
    queue: GradingQueue = current_app.extensions["grading_queue"]
    return queue


def init_grading_queue(app: Flask, huey: Huey, dispatcher: Dispatcher) -> GradingQueue:
    worker = GradingWorker(
        app,
        backend=lambda: make_backend(app.config["SANDBOX_BACKEND"]),
        load_exercise=lambda slug: exercise_in(app.config["EXERCISES_DIR"], slug),
        score=scored_run,
    )

    @huey.task(name="grade_run")
    def grade_run(run_id: int) -> None:
        worker.process(run_id)  # a retry is scheduled through the outbox (release_after_error)

    dispatcher.register(
        outbox.KIND_GRADE, Consumer(grade_run, run_pending_until, queued_runs_without_task)
    )
    app.extensions.setdefault("outbox_sweep_hooks", []).extend(
        [lambda: reap_expired_leases(app), lambda: remove_stale_sandboxes(app)]
    )
    queue = GradingQueue(huey=huey, grade_run=grade_run)
    app.extensions["grading_queue"] = queue
    return queue


def run_pending_until(run_id: int, now: datetime) -> datetime | None:
    """None once the run is finished; its lease's end while a live worker holds it; else now."""
    run = db.session.get(GradingRun, run_id, populate_existing=True)
    if run is None or run.status in (RunStatus.GRADED, RunStatus.FAILED):
        return None
    if run.status is RunStatus.RUNNING and run.lease_expires_at is not None:
        return max(run.lease_expires_at, now)
    return now


def queued_runs_without_task(before: datetime) -> list[int]:
    """Queued runs older than `before` that no pending outbox task will ever send (e.g. rows from
    before the outbox existed)."""
    pending = outbox.has_pending_task(outbox.KIND_GRADE, GradingRun.id)
    return list(
        db.session.scalars(
            select(GradingRun.id)
            .where(GradingRun.status == RunStatus.QUEUED, GradingRun.queued_at < before, ~pending)
            .order_by(GradingRun.id)
            .limit(500)
        )
    )


def reap_expired_leases(app: Flask) -> list[int]:
    """Re-queue runs whose lease expired (through the outbox) and remove their containers."""
    expired = operations.requeue_expired()
    released = [(run.id, run.attempts) for run in expired]
    db.session.commit()
    for run_id, attempt in released:
        remove_sandbox_containers(
            sandbox_label(app.config["SQLALCHEMY_DATABASE_URI"], run_id, attempt)
        )
    if released:
        log.warning("re-queued runs whose worker stopped responding: %s", released)
    remove_unused_sandboxes()
    return [run_id for run_id, _ in released]

"""The grading tasks on the queue: grade a run, and re-queue runs whose worker died."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from huey import Huey, crontab

from app.extensions import db
from app.grading import operations
from app.grading.backends import make_backend
from app.grading.exercises import load_exercise
from app.grading.ingest import scored_run
from app.grading.worker import GradingWorker, sandbox_label
from app.models import RunStatus
from app.queue import make_queue

log = logging.getLogger(__name__)
RETRY_DELAY_S = 10


@dataclass(frozen=True)
class GradingQueue:
    huey: Huey
    grade_run: Any  # the Huey task wrapper
    reap: Any

    def enqueue(self, run_id: int) -> None:
        self.grade_run(run_id)


def grading_queue() -> GradingQueue:
    queue: GradingQueue = current_app.extensions["grading_queue"]
    return queue


def init_grading_queue(app: Flask) -> GradingQueue:
    huey = make_queue(app.config["QUEUE_URL"], app.config["QUEUE_NAME"])
    worker = GradingWorker(
        app,
        backend=lambda: make_backend(app.config["SANDBOX_BACKEND"]),
        load_exercise=lambda slug: load_exercise(app.config["EXERCISES_DIR"], slug),
        score=scored_run,
    )

    @huey.task(name="grade_run")
    def grade_run(run_id: int) -> None:
        if worker.process(run_id) is RunStatus.QUEUED:
            grade_run.schedule((run_id,), delay=RETRY_DELAY_S)

    @huey.periodic_task(crontab(minute="*"), name="reap_expired_leases")
    def reap() -> list[int]:
        return reap_expired_leases(app, grade_run)

    @huey.on_startup(name="reap_on_startup")
    def reap_on_startup() -> None:
        reap_expired_leases(app, grade_run)

    queue = GradingQueue(huey=huey, grade_run=grade_run, reap=reap)
    app.extensions["grading_queue"] = queue
    return queue


def reap_expired_leases(app: Flask, grade_run: Any) -> list[int]:
    """Re-queue runs whose lease expired and remove their orphaned sandbox containers."""
    with app.app_context():
        expired = operations.requeue_expired()
        released = [(run.id, run.attempts, run.status) for run in expired]
        db.session.commit()
    for run_id, attempt, status in released:
        remove_sandbox_containers(
            sandbox_label(app.config["SQLALCHEMY_DATABASE_URI"], run_id, attempt)
        )
        if status is RunStatus.QUEUED:
            grade_run(run_id)
    if released:
        log.warning("re-queued runs whose worker stopped responding: %s", released)
    remove_unused_sandboxes()
    return [run_id for run_id, _, _ in released]


def remove_unused_sandboxes() -> int:
    """Remove pre-started sandbox containers of dead processes (docker backend only)."""
    try:
        from docker.errors import DockerException

        from sandbox.backends.docker import remove_unused_ready

        return remove_unused_ready()
    except DockerException:
        return 0  # no engine on this machine


def remove_sandbox_containers(label: str) -> int:
    """Remove the containers a dead worker left behind for one attempt (docker backend only)."""
    try:
        from docker.errors import DockerException

        from sandbox.backends.docker import remove_orphans

        return remove_orphans(run_id=label)
    except DockerException:
        return 0  # no engine on this machine: nothing of ours can be running in one

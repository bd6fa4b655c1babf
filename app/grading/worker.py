"""Grading one run: claim its lease, run the sandbox while a heartbeat renews it, store the result.

Idempotent per run: a run that is not queued is left alone, and a result whose lease was lost
meanwhile (the run was re-queued because this worker looked dead) is discarded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.grading import operations
from app.grading.exercises import Exercise
from app.models import GradingRun, RunStatus
from app.notifications import operations as notifications
from sandbox.backends.base import Backend
from sandbox.results import GradingResult

log = logging.getLogger(__name__)
STORE_TRIES = 10
STORE_RETRY_S = 3.0


def installation_id(database_url: str) -> str:
    """Run ids restart in every database, so sandbox labels carry a digest of the database URL:
    installations sharing an engine never collide."""
    return hashlib.sha256(database_url.encode()).hexdigest()[:12]


def sandbox_label(database_url: str, run_id: int, attempt: int) -> str:
    """The label of one attempt's sandbox containers."""
    return f"{installation_id(database_url)}-{run_id}.{attempt}"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class Progress:
    cells_done: int = 0
    cells_total: int = 0

    def update(self, cell: int, total: int) -> None:
        self.cells_done, self.cells_total = cell, total


class Heartbeat(threading.Thread):
    """Renews the lease (and publishes progress) every `interval` until stopped."""

    def __init__(
        self,
        app: Flask,
        run_id: int,
        owner: str,
        lease: timedelta,
        progress: Progress,
        interval: float,
    ) -> None:
        super().__init__(name=f"heartbeat-{run_id}", daemon=True)
        self.app, self.run_id, self.owner, self.lease = app, run_id, owner, lease
        self.progress, self.interval = progress, interval
        self.stopped = threading.Event()
        self.lost = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            with self.app.app_context():
                try:
                    held = operations.renew_lease(
                        self.run_id,
                        self.owner,
                        self.lease,
                        self.progress.cells_done,
                        self.progress.cells_total,
                    )
                    db.session.commit()
                except Exception:  # a database hiccup: the next beat tries again
                    db.session.rollback()
                    log.exception("heartbeat of run %s failed", self.run_id)
                    continue
            if not held:
                self.lost.set()
                return


class GradingWorker:
    def __init__(
        self,
        app: Flask,
        backend: Callable[[], Backend],
        load_exercise: Callable[[str], Exercise],
        score: Callable[[GradingResult, Exercise], operations.ScoredRun],
    ) -> None:
        self.app = app
        self.backend = backend
        self.load_exercise = load_exercise
        self.score = score
        self.lease = timedelta(seconds=app.config["GRADING_LEASE_SECONDS"])
        self.heartbeat_s = app.config["GRADING_HEARTBEAT_SECONDS"]

    def process(self, run_id: int) -> RunStatus | None:
        """Grade run `run_id` if it is queued; returns its new status (None: not ours to grade)."""
        owner = worker_name()
        with self.app.app_context():
            if not operations.claim_run(run_id, owner, self.lease):
                db.session.rollback()
                return None
            db.session.commit()
            run = db.session.get(GradingRun, run_id)
            assert run is not None
            assignment = run.submission.assignment
            attempts = run.attempts
            exercise = self.load_exercise(assignment.exercise_slug)
            try:  # the assignment's variant, generated here from its stored seed
                operations.variant_folder(assignment, exercise)
                db.session.commit()
                job = exercise.job(
                    run.submission.notebook,
                    sandbox_label(self.app.config["SQLALCHEMY_DATABASE_URI"], run.id, run.attempts),
                    variant_seed=assignment.variant_seed,
                )
            except Exception as error:  # a broken generator: retried, then failed, never hung
                db.session.rollback()
                log.exception("run %s: the exercise's variant could not be made", run_id)
                failed = GradingResult.failed(
                    "error", f"the exercise's variant could not be made: {error}", retryable=True
                )
                return self._store(run_id, owner, failed, None)
        progress = Progress()
        heartbeat = Heartbeat(self.app, run_id, owner, self.lease, progress, self.heartbeat_s)
        heartbeat.start()
        try:
            result = self.backend().grade(job, on_progress=progress.update)
        except Exception as error:  # a bug or a broken engine: never leave the run hanging
            log.exception("grading run %s crashed the worker", run_id)
            result = GradingResult.failed("error", f"the grader failed: {error}", retryable=True)
        finally:
            heartbeat.stopped.set()
            heartbeat.join()
        if result.retryable and result.interference and attempts >= operations.MAX_ATTEMPTS:
            result = result.settled(attempts)  # the candidate's code stopped every attempt
        scored = None if result.retryable else self.score(result, exercise)
        status = self._store(run_id, owner, result, scored)
        if status is None:
            log.warning("run %s: lease lost while grading; result discarded", run_id)
        return status

    def _store(
        self,
        run_id: int,
        owner: str,
        result: GradingResult,
        scored: operations.ScoredRun | None,
    ) -> RunStatus | None:
        """Store the outcome; a database that restarted meanwhile is retried for a while rather
        than throwing the finished grading away (the lease still protects against doubles)."""
        for attempt in range(STORE_TRIES):
            with self.app.app_context():
                try:
                    if scored is None:  # the grading machinery failed, not the candidate's code
                        status = operations.release_after_error(
                            run_id,
                            owner,
                            result.message,
                            engine_unavailable=result.engine_unavailable,
                        )
                    else:
                        stored = operations.record_result(run_id, owner, scored)
                        status = RunStatus.GRADED if stored else None
                        if stored:  # in the same transaction: notified once, with the result
                            notifications.grading_finished(run_id, self.app.config)
                    db.session.commit()
                    return status
                except OperationalError:
                    db.session.rollback()
                    if attempt == STORE_TRIES - 1:
                        raise
                    log.warning("run %s: the database is unreachable; retrying the store", run_id)
            time.sleep(STORE_RETRY_S)
        return None

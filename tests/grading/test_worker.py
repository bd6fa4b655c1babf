"""GradingWorker on the real docker backend: what is retried and what is a verdict."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.grading import operations
from app.grading.exercises import load_exercise
from app.grading.ingest import scored_run
from app.grading.worker import GradingWorker
from app.models import GradingRun, RunStatus
from sandbox.backends.docker import DockerBackend
from tests.grading.conftest import FIXTURES, notebook_bytes

pytestmark = pytest.mark.docker


def worker(app, backend: DockerBackend) -> GradingWorker:
    return GradingWorker(
        app, lambda: backend, lambda slug: load_exercise(FIXTURES, slug), scored_run
    )


def queued(opened, notebook: bytes) -> int:
    run = operations.submit(opened, "tiny.ipynb", notebook, 1, 10**6)
    db.session.commit()
    return run.id


def test_a_notebook_that_raises_is_graded_not_retried(exercises_app, opened):
    run_id = queued(opened, notebook_bytes("raise ValueError('candidate bug')"))
    assert worker(exercises_app, DockerBackend()).process(run_id) is RunStatus.GRADED
    run = db.session.get(GradingRun, run_id)
    assert (run.attempts, run.verdict) == (1, "error")
    assert "candidate bug" in run.message or "ValueError" in run.message
    assert run.score == 0 and run.max_score == 10


def test_a_broken_grading_machine_is_retried_then_failed(exercises_app, opened):
    run_id = queued(opened, notebook_bytes("x = 1"))
    missing_image = DockerBackend(image="hirelab/grader:no-such-image")
    for attempt in range(1, operations.MAX_ATTEMPTS + 1):
        status = worker(exercises_app, missing_image).process(run_id)
        expected = RunStatus.QUEUED if attempt < operations.MAX_ATTEMPTS else RunStatus.FAILED
        assert status is expected
    run = db.session.get(GradingRun, run_id)
    db.session.refresh(run)
    assert run.attempts == operations.MAX_ATTEMPTS
    assert "make image" in run.message and run.score is None


# docker-py leaves the socket of a refused unix connection for the garbage collector
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_engine_that_does_not_answer_costs_no_attempt(exercises_app, opened, tmp_path):
    """A Docker engine that is down or restarting never tried the run: however many times the
    worker meets it, the run stays queued with its attempts unspent, then is graded once."""
    import docker

    run_id = queued(opened, notebook_bytes("x = 1"))
    absent = docker.DockerClient(
        base_url=f"unix://{tmp_path / 'no-engine.sock'}", version="1.41", timeout=5
    )
    away = DockerBackend(client=absent, pooled=False)
    for _ in range(operations.MAX_ATTEMPTS + 2):
        assert worker(exercises_app, away).process(run_id) is RunStatus.QUEUED
        run = db.session.get(GradingRun, run_id)
        db.session.refresh(run)
        assert run.attempts == 0 and "Docker engine" in run.message
        db.session.commit()
    absent.close()
    back = DockerBackend(pooled=False)
    status = worker(exercises_app, back).process(run_id)
    back.client.close()
    run = db.session.get(GradingRun, run_id)
    assert status is RunStatus.GRADED, run.message
    db.session.refresh(run)
    assert run.attempts == 1 and run.score is not None

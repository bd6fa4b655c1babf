"""The whole grading flow on the docker backend with real worker processes.

invite → open → download → upload → a `flask worker` grades → the status shows the score → the
interviewer sees the report; a worker SIGKILLed mid-run loses nothing; two workers on Redis and
PostgreSQL grade a batch exactly once.
"""

from __future__ import annotations

import io
import os
import re
import signal
import uuid
import zipfile
from datetime import timedelta

import pytest

from app.extensions import db
from app.grading import operations
from app.grading.worker import sandbox_label
from app.models import (
    GradingRun,
    Role,
    RunStatus,
    Submission,
    now_utc,
)
from tests.conftest import PASSWORD, app_context_on, require_postgres
from tests.grading.conftest import FIXTURES, TINY, put_on_panel
from tests.grading.workers import sandbox_containers, wait_for, worker_env, worker_process

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture
def app(tmp_path):
    """Overrides the default app: files a worker process can share (SQLite database and queue)."""
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    with app_context_on(database_url, QUEUE_URL=queue_url, EXERCISES_DIR=FIXTURES) as app:
        db.create_all()
        yield app


@pytest.fixture
def shared_app(app):
    config = app.config
    return app, worker_env(config["SQLALCHEMY_DATABASE_URI"], config["QUEUE_URL"], FIXTURES)


def test_candidate_to_interviewer_on_docker(
    shared_app, tmp_path, create_user, create_job, create_candidate
):
    app, env = shared_app
    recruiter = create_user(Role.RECRUITER)
    interviewer = create_user(Role.INTERVIEWER)
    candidate = create_candidate(create_job())
    staff, applicant = app.test_client(), app.test_client()

    staff.post("/login", data={"email": recruiter.email, "password": PASSWORD})
    page = staff.post(
        f"/candidates/{candidate.id}/assign",
        data={
            "application": candidate.applications[0].id,
            "exercise": "tiny",
            "open_within_days": 2,
        },
    )
    link = re.search(r'value="http://localhost([^"]+)"', page.text).group(1)

    assert applicant.get(link).status_code == 302  # the invite signs the candidate in
    assignment_url = re.search(r'href="(/me/assignments/\d+)"', applicant.get("/me").text).group(1)
    applicant.post(f"{assignment_url}/start")
    kit = zipfile.ZipFile(io.BytesIO(applicant.get(f"{assignment_url}/starter.zip").data))
    assert "tiny/tiny.ipynb" in kit.namelist()
    solution = (TINY / "reference" / "full-marks.ipynb").read_bytes()
    uploaded = applicant.post(
        f"{assignment_url}/submissions",
        data={"notebook": (io.BytesIO(solution), "tiny.ipynb")},
        content_type="multipart/form-data",
    )
    status_url = uploaded.location + "/status.json"

    log = tmp_path / "worker.log"
    with worker_process(env, log):
        status = wait_for(
            lambda: (s := applicant.get(status_url).json)["finished"] and s,
            120,
            "the worker to grade the submission",
            log,
        )
    assert status["status"] == "graded"
    # The candidate's total is of the visible group only (issue 13); staff see 10 / 10 below.
    assert status["score"] == 4.0 and status["max_score"] == 4.0
    assert [g["title"] for g in status["groups"]] == ["Defines the contract functions"]

    submission = db.session.scalar(db.select(Submission))
    application = submission.assignment.application
    put_on_panel(application, interviewer)
    reviewer = app.test_client()
    reviewer.post("/login", data={"email": interviewer.email, "password": PASSWORD})
    report = reviewer.get(f"/submissions/{submission.id}").text
    assert "10.0 / 10.0" in report and "test_predicts_holdout" in report
    assert reviewer.get(f"/runs/{submission.runs[-1].id}/notebook").status_code == 200
    assert sandbox_containers(label_of(app, submission.runs[-1].id, "")) == []


def label_of(app, run_id: int, attempt: int | str) -> str:
    """The sandbox label of one attempt of a run (attempt "": every attempt, as a prefix)."""
    return sandbox_label(app.config["SQLALCHEMY_DATABASE_URI"], run_id, attempt)  # type: ignore[arg-type]


def slow_solution(seconds: int) -> bytes:
    """The tiny full-marks solution with a slow first code cell."""
    import nbformat

    notebook = nbformat.reads((TINY / "reference" / "full-marks.ipynb").read_text(), as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
    return nbformat.writes(notebook).encode()


def submitted_run(app, notebook: bytes, email: str) -> int:
    from app.auth.operations import create_user
    from app.pipeline import operations as pipeline

    job = db.session.scalar(db.select(pipeline.Job)) or pipeline.create_job("Job", None)
    candidate = pipeline.add_candidate("Candidate", email, "referral")
    application = pipeline.apply(candidate, job, None)
    candidate.user = create_user(email, "Candidate", Role.CANDIDATE, None)
    assignment = operations.assign_exercise(application, "tiny", 30, None, timedelta(days=1))
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", notebook, 1, 10**6)
    db.session.commit()
    return run.id


def run_state(run_id: int) -> GradingRun:
    db.session.expire_all()
    run = db.session.get(GradingRun, run_id)
    db.session.commit()
    return run


def test_worker_killed_mid_run_loses_nothing(shared_app, tmp_path):
    app, env = shared_app
    run_id = submitted_run(app, slow_solution(12), "slow@example.com")
    app.extensions["grading_queue"].enqueue(run_id)
    log = tmp_path / "worker.log"

    with worker_process(env, log) as first:
        wait_for(lambda: run_state(run_id).cells_done >= 1, 60, "the first cell to run", log)
        wait_for(lambda: sandbox_containers(label_of(app, run_id, 1)), 10, "the container", log)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    run = run_state(run_id)
    assert run.status is RunStatus.RUNNING and run.attempts == 1
    assert sandbox_containers(label_of(app, run_id, 1)), "the dead worker's container is there"
    wait_for(lambda: run_state(run_id).lease_expires_at < now_utc(), 15, "the lease to expire")

    with worker_process(env, log):
        wait_for(
            lambda: run_state(run_id).status is RunStatus.GRADED,
            120,
            "the run to be re-queued and graded",
            log,
        )
    run = run_state(run_id)
    assert run.attempts == 2 and run.score == 10.0
    assert sandbox_containers(label_of(app, run_id, "")) == [], "orphaned containers were left"


@pytest.mark.redis
@pytest.mark.postgres
def test_two_workers_on_redis_grade_each_submission_exactly_once(tmp_path):
    import redis

    database_url = require_postgres()
    queue_url = "redis://127.0.0.1:63790/3"
    queue_name = f"hirelab-test-{uuid.uuid4().hex}"  # concurrent runs on one Redis keep apart
    try:
        redis.Redis.from_url(queue_url).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {queue_url} ({error}); run `make services`.")
    with app_context_on(
        database_url, QUEUE_URL=queue_url, QUEUE_NAME=queue_name, EXERCISES_DIR=FIXTURES
    ) as app:
        db.create_all()
        solution = (TINY / "reference" / "full-marks.ipynb").read_bytes()
        run_ids = [submitted_run(app, solution, f"c{n}@example.com") for n in range(6)]
        queue = app.extensions["grading_queue"]
        for run_id in run_ids * 2:  # every message twice: duplicates must not grade twice
            queue.enqueue(run_id)
        env = worker_env(database_url, queue_url, FIXTURES, QUEUE_NAME=queue_name)
        logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
        with worker_process(env, logs[0]), worker_process(env, logs[1]):
            wait_for(
                lambda: all(run_state(r).status is RunStatus.GRADED for r in run_ids),
                240,
                "both workers to grade the batch",
                logs[0],
            )
        runs = [run_state(r) for r in run_ids]
        assert [(r.attempts, r.score) for r in runs] == [(1, 10.0)] * len(runs)
        assert db.session.query(GradingRun).count() == len(run_ids)
        assert len({r.graded_by.rsplit(":", 1)[0] for r in runs}) == 2, "both workers took work"
        db.session.rollback()

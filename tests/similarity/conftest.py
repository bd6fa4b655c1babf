"""Similarity fixtures: an app on SQLite and PostgreSQL with the real exercises, and a helper that
uploads a notebook for a fresh candidate and records its grading result the way a worker does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations as grading
from app.models import Application, Job, Role, Submission
from app.pipeline import operations as pipeline
from tests.conftest import app_context_on
from tests.scorecards.conftest import staff

EXERCISE = "ml-take-home"


def graded(job: Job, name: str, notebook: bytes, exercise: str = EXERCISE, groups=()) -> Submission:
    """A new candidate of `job` uploads `notebook`; its run is claimed and recorded as graded."""
    recruiter = job.owner
    candidate = pipeline.add_candidate(f"{name} Person", f"{name.lower()}@example.com", "referral")
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    application = pipeline.apply(candidate, job, recruiter)
    return graded_again(application, notebook, exercise, groups)


def graded_again(
    application: Application, notebook: bytes, exercise: str = EXERCISE, groups=()
) -> Submission:
    """`application`'s candidate uploads `notebook` (a first or later version); it is graded."""
    assignment = next(
        (a for a in grading.assignments_of(application) if a.exercise_slug == exercise), None
    )
    if assignment is None:
        assignment = grading.assign_exercise(
            application, exercise, 120, application.job.owner, timedelta(days=3)
        )
        grading.open_assignment(assignment)
    run = grading.submit(assignment, "answer.ipynb", notebook, 1, 10**6)
    db.session.commit()
    assert grading.claim_run(run.id, "test-worker", timedelta(minutes=5))
    scored = grading.ScoredRun(
        verdict="completed",
        message="",
        score=1.0,
        max_score=1.0,
        duration_s=1.0,
        cells_total=1,
        cells_executed=1,
        groups=tuple(groups),
        tests=(),
        executed_notebook=None,
        logs="",
    )
    assert grading.record_result(run.id, "test-worker", scored)
    db.session.commit()
    return run.submission


@pytest.fixture
def similarity_app(database_url):
    with app_context_on(database_url) as app:
        db.create_all()
        yield app


@pytest.fixture
def job(similarity_app) -> Job:
    recruiter = staff(Role.RECRUITER, "Rita Recruiter")
    job = pipeline.create_job("Junior AI Engineer", recruiter)
    db.session.commit()
    return job

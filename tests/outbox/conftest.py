"""An app on each real database backend (SQLite and PostgreSQL), with an opened tiny assignment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations
from app.models import Role
from app.pipeline import operations as pipeline
from tests.conftest import app_context_on
from tests.grading.conftest import FIXTURES


@pytest.fixture
def backend_app(database_url):
    with app_context_on(database_url, EXERCISES_DIR=FIXTURES) as app:
        db.create_all()
        yield app


@pytest.fixture
def opened_assignment(backend_app):
    return make_opened_assignment()


def make_opened_assignment():
    job = pipeline.create_job("Outbox", None)
    candidate = pipeline.add_candidate("Cara Candidate", "cara@example.com", "referral")
    application = pipeline.apply(candidate, job, None)
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    assignment = operations.assign_exercise(application, "tiny", 10, None, timedelta(days=1))
    operations.open_assignment(assignment)
    # A candidate's sign-in and API tokens live as long as a valid invite (app/auth/sessions.py).
    auth_operations.issue_invite(candidate, None, "test", timedelta(days=1))
    db.session.commit()
    return assignment

"""Scorecard tables on SQLite and PostgreSQL: one score per (scorecard, dimension), one row per
version, JSON snapshots round-trip."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import DimensionScore, Role, Scorecard, User
from app.pipeline import operations as pipeline_operations
from app.scorecards.catalog import catalog
from app.scorecards.rubrics import Rubric
from tests.conftest import app_context_on
from tests.scorecards.conftest import full_input, schedule, submit


@pytest.fixture
def card(database_url):
    with app_context_on(database_url):
        db.create_all()
        user = User(email="ian@hirelab.example", name="Ian", role=Role.INTERVIEWER)
        db.session.add(user)
        job = pipeline_operations.create_job("Junior AI Engineer", None)
        candidate = pipeline_operations.add_candidate("Ada", "ada@example.com", "referral")
        application = pipeline_operations.apply(candidate, job, None)
        db.session.commit()
        interview = schedule(application, [user])
        yield submit(interview, user, full_input(red_flags=("blames_others",)))


def test_snapshot_and_lists_round_trip(card):
    db.session.expire_all()
    stored = db.session.get(Scorecard, card.id)
    assert Rubric.from_snapshot(stored.rubric_snapshot) == catalog().rubric("junior-ai-engineer")
    assert stored.red_flags == ["blames_others"]
    assert stored.submitted_at.tzinfo is not None


def test_one_score_per_dimension(card):
    db.session.add(DimensionScore(scorecard_id=card.id, dimension="collaboration", level="meets"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_row_per_version(card):
    copy = Scorecard(
        interview_id=card.interview_id,
        interviewer_id=card.interviewer_id,
        application_id=card.application_id,
        version=card.version,
        rubric_id=card.rubric_id,
        rubric_version=card.rubric_version,
        rubric_snapshot=card.rubric_snapshot,
        kit_snapshot=card.kit_snapshot,
    )
    db.session.add(copy)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

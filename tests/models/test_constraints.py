"""The unique constraints the domain relies on hold in the database itself, on both backends."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Application, Candidate, Job, Role, Stage, User, now_utc
from tests.conftest import app_context_on


@pytest.fixture
def session(database_url):
    with app_context_on(database_url):
        db.create_all()
        yield db.session
        db.session.rollback()
        db.drop_all()


def test_user_email_is_unique(session):
    session.add(User(email="a@hirelab.example", name="A", role=Role.ADMIN))
    session.commit()
    session.add(User(email="a@hirelab.example", name="B", role=Role.RECRUITER))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_one_application_per_candidate_and_job(session):
    job = Job(title="Job", stages=[Stage(name="Applied", position=0)])
    candidate = Candidate(name="C", email="c@example.com")
    session.add_all([job, candidate])
    session.flush()
    stage = job.stages[0]
    session.add(Application(candidate=candidate, job=job, stage=stage))
    session.commit()
    session.add(Application(candidate=candidate, job=job, stage=stage))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_stage_positions_are_unique_per_job(session):
    session.add(Job(title="J", stages=[Stage(name="A", position=0), Stage(name="B", position=0)]))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_datetimes_come_back_timezone_aware_utc(session):
    created = now_utc()
    session.add(User(email="t@hirelab.example", name="T", role=Role.ADMIN, created_at=created))
    session.commit()
    session.expire_all()
    stored = session.scalar(sa.select(User.created_at))
    assert stored == created and stored.utcoffset().total_seconds() == 0


def test_roles_are_stored_by_value(session):
    session.add(User(email="r@hirelab.example", name="R", role=Role.RECRUITER))
    session.commit()
    raw = session.execute(sa.text("SELECT role FROM users")).scalar_one()
    assert raw == "recruiter"

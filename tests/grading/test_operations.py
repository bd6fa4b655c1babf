from datetime import timedelta

import pytest

from app.errors import DomainError, DuplicateError
from app.extensions import db
from app.grading import operations
from app.models import GradingRun, RunStatus, StageKind, now_utc
from tests.grading.conftest import notebook_bytes

LEASE = timedelta(seconds=30)
MAX = 1024 * 1024


def test_assigning_twice_is_a_duplicate_and_closed_applications_refuse(assignment):
    with pytest.raises(DuplicateError):
        operations.assign_exercise(assignment.application, "tiny", 10, None, timedelta(days=1))
    application = assignment.application
    application.stage = next(s for s in application.job.stages if s.kind is StageKind.REJECTED)
    with pytest.raises(DomainError, match="closed"):
        operations.assign_exercise(application, "other", 10, None, timedelta(days=1))


def test_opening_starts_the_time_box_once(assignment):
    start = now_utc()
    operations.open_assignment(assignment, start)
    assert assignment.deadline_at == start + timedelta(minutes=10)
    operations.open_assignment(assignment, start + timedelta(minutes=5))
    assert assignment.opened_at == start


def test_opening_after_the_open_by_date_is_refused(assignment):
    with pytest.raises(DomainError, match="had to be started before"):
        operations.open_assignment(assignment, assignment.open_by + timedelta(seconds=1))
    assert assignment.opened_at is None


def test_submit_before_opening_or_after_the_deadline_is_refused(assignment):
    with pytest.raises(DomainError, match="Open the exercise"):
        operations.submit(assignment, "a.ipynb", notebook_bytes("1"), 1, MAX)
    operations.open_assignment(assignment)
    late = assignment.deadline_at + timedelta(seconds=1)
    with pytest.raises(DomainError, match="deadline passed"):
        operations.submit(assignment, "a.ipynb", notebook_bytes("1"), 1, MAX, now=late)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("answer.py", b"print(1)", "not a Jupyter notebook: upload the .ipynb"),
        ("a.ipynb", b"{not json", "not valid JSON"),
        (
            "a.ipynb",
            b'{"cells": "nope", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
            "does not follow the Jupyter notebook format",
        ),
        ("a.ipynb", b"x" * (MAX + 1), "the limit is"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_nothing_is_stored(opened, filename, data, message):
    with pytest.raises(DomainError, match=message):
        operations.submit(opened, filename, data, 1, MAX)
    db.session.rollback()
    assert db.session.query(GradingRun).count() == 0


def test_submit_stores_a_normalised_notebook_and_queues_a_run(opened):
    run = operations.submit(opened, "mine.ipynb", notebook_bytes("print('hi')"), 3, MAX)
    db.session.commit()
    assert run.status is RunStatus.QUEUED and run.exercise_version == 3
    assert b'"python3"' in run.submission.notebook
    assert len(run.submission.sha256) == 64
    operations.submit(opened, "again.ipynb", notebook_bytes("print('v2')"), 3, MAX)
    assert [s.filename for s in opened.submissions] == ["mine.ipynb", "again.ipynb"]


@pytest.fixture
def queued_run(database_url, tmp_path):
    """A queued run on each database backend (leases must hold on PostgreSQL too)."""
    from tests.conftest import app_context_on

    with app_context_on(database_url):
        db.create_all()
        from app.models import (
            Application,
            Assignment,
            Candidate,
            Job,
            Stage,
            Submission,
        )

        job = Job(title="J", stages=[Stage(name="Applied", position=0)])
        candidate = Candidate(name="C", email="c@example.com")
        application = Application(candidate=candidate, job=job, stage=job.stages[0])
        assignment = Assignment(
            application=application, exercise_slug="tiny", time_budget_minutes=10, open_by=now_utc()
        )
        submission = Submission(
            assignment=assignment, filename="a.ipynb", notebook=b"{}", sha256="0" * 64, size_bytes=2
        )
        run = GradingRun(submission=submission)
        db.session.add(run)
        db.session.commit()
        yield run.id
        db.session.remove()
        db.drop_all()


def test_only_one_worker_can_claim_a_run(queued_run):
    assert operations.claim_run(queued_run, "worker-a", LEASE)
    assert not operations.claim_run(queued_run, "worker-b", LEASE)
    db.session.commit()
    run = db.session.get(GradingRun, queued_run)
    assert (run.status, run.lease_owner, run.attempts) == (RunStatus.RUNNING, "worker-a", 1)


def test_heartbeat_and_result_need_the_lease(queued_run):
    operations.claim_run(queued_run, "worker-a", LEASE)
    assert operations.renew_lease(queued_run, "worker-a", LEASE, 3, 7)
    assert not operations.renew_lease(queued_run, "worker-b", LEASE, 0, 0)
    scored = operations.ScoredRun(
        verdict="completed",
        message="ok",
        score=4,
        max_score=10,
        duration_s=1.5,
        cells_total=7,
        cells_executed=7,
        groups=(
            operations.ScoredGroup("basics", "Basics", "python_engineering", 4, 4, True, "fine"),
        ),
        tests=(("t::a", "basics", "passed", ""),),
        executed_notebook=b"{}",
        logs="",
    )
    assert not operations.record_result(queued_run, "worker-b", scored)
    assert operations.record_result(queued_run, "worker-a", scored)
    db.session.commit()
    run = db.session.get(GradingRun, queued_run)
    assert (run.status, run.score, run.graded_by) == (RunStatus.GRADED, 4, "worker-a")
    assert [g.group_id for g in run.group_scores] == ["basics"]
    assert not operations.record_result(queued_run, "worker-a", scored)  # idempotent


def test_expired_lease_is_requeued_then_failed_after_the_last_attempt(queued_run):
    for attempt in range(1, operations.MAX_ATTEMPTS + 1):
        assert operations.claim_run(queued_run, f"worker-{attempt}", LEASE)
        db.session.commit()
        later = now_utc() + LEASE + timedelta(seconds=1)
        (run,) = operations.requeue_expired(later)
        db.session.commit()
        expected = RunStatus.QUEUED if attempt < operations.MAX_ATTEMPTS else RunStatus.FAILED
        assert run.status is expected and run.attempts == attempt
    assert "stopped responding" in run.message
    assert operations.requeue_expired(now_utc() + 2 * LEASE) == []


def test_infrastructure_error_releases_for_retry(queued_run):
    operations.claim_run(queued_run, "worker-a", LEASE)
    assert operations.release_after_error(queued_run, "worker-b", "boom") is None
    assert operations.release_after_error(queued_run, "worker-a", "engine down") is RunStatus.QUEUED
    db.session.commit()
    assert "engine down" in db.session.get(GradingRun, queued_run).message

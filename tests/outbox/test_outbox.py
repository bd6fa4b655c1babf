"""The transactional outbox on SQLite and PostgreSQL: rows with the change, a message only after
the commit, nothing on rollback, and a sweeper that re-sends what the queue lost — once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import outbox
from app.extensions import db
from app.grading import operations
from app.models import GradingRun, OutboxTask, RunStatus, now_utc
from app.outbox.sweeper import sweep
from tests.grading.conftest import TINY

NOTEBOOK = (TINY / "reference" / "full-marks.ipynb").read_bytes()
NOW = timedelta(0)


def huey(app):
    return app.extensions["outbox"].huey


def tasks() -> list[OutboxTask]:
    return list(db.session.scalars(db.select(OutboxTask).order_by(OutboxTask.id)))


def submit(assignment) -> GradingRun:
    return operations.submit(assignment, "tiny.ipynb", NOTEBOOK, 1, 10**6)


def test_a_submission_writes_its_task_and_is_queued_only_after_the_commit(
    backend_app, opened_assignment
):
    run = submit(opened_assignment)
    assert [(t.kind, t.target_id, t.done_at) for t in tasks()] == [("grade_run", run.id, None)]
    assert len(huey(backend_app)) == 0  # nothing leaves before the commit
    db.session.commit()
    assert len(huey(backend_app)) == 1


def test_a_rolled_back_change_leaves_no_task_and_no_message(backend_app, opened_assignment):
    submit(opened_assignment)
    db.session.rollback()
    assert tasks() == [] and len(huey(backend_app)) == 0
    db.session.commit()  # a later commit does not send the forgotten message either
    assert len(huey(backend_app)) == 0


def test_the_sweeper_resends_a_lost_message_and_completes_finished_work(
    backend_app, opened_assignment
):
    run = submit(opened_assignment)
    db.session.commit()
    huey(backend_app).flush()  # Redis restarted without persistence: the message is gone
    report = sweep(backend_app, NOW)
    assert report.redispatched == [("grade_run", run.id)]
    assert len(huey(backend_app)) == 1 and tasks()[0].dispatches == 2
    assert operations.claim_run(run.id, "w1", timedelta(minutes=1))
    db.session.commit()
    huey(backend_app).flush()
    assert sweep(backend_app, NOW).redispatched == []  # a live lease: in flight, not lost
    assert tasks()[0].due_at > now_utc()
    db.session.execute(
        db.update(GradingRun).where(GradingRun.id == run.id).values(status=RunStatus.GRADED)
    )
    db.session.commit()
    db.session.execute(db.update(OutboxTask).values(due_at=now_utc() - timedelta(minutes=5)))
    db.session.commit()
    assert sweep(backend_app, NOW).completed == 1
    assert tasks()[0].done_at is not None and len(huey(backend_app)) == 0


def test_the_sweeper_waits_the_redispatch_delay(backend_app, opened_assignment):
    submit(opened_assignment)
    db.session.commit()
    huey(backend_app).flush()
    assert sweep(backend_app, timedelta(minutes=1)).redispatched == []
    assert len(huey(backend_app)) == 0


def test_an_expired_lease_is_released_and_sent_again_through_the_outbox(
    backend_app, opened_assignment
):
    run = submit(opened_assignment)
    db.session.commit()
    assert operations.claim_run(run.id, "dead-worker", timedelta(seconds=-1))
    db.session.commit()
    huey(backend_app).flush()
    report = sweep(backend_app, timedelta(minutes=10))
    assert report.released == [run.id]
    assert db.session.get(GradingRun, run.id, populate_existing=True).status is RunStatus.QUEUED
    assert len(huey(backend_app)) == 1  # re-sent now, not after the re-dispatch delay


def test_a_queued_run_without_any_task_is_adopted(backend_app, opened_assignment):
    run = submit(opened_assignment)
    db.session.commit()
    huey(backend_app).flush()
    db.session.execute(db.delete(OutboxTask))  # e.g. a run from before the outbox existed
    db.session.execute(
        db.update(GradingRun).values(queued_at=now_utc() - timedelta(minutes=5))
    )
    db.session.commit()
    report = sweep(backend_app, timedelta(minutes=1))
    assert report.adopted == [("grade_run", run.id)]
    assert len(tasks()) == 1 and len(huey(backend_app)) == 1


def test_a_retry_after_an_infrastructure_error_is_scheduled_through_the_outbox(
    backend_app, opened_assignment
):
    run = submit(opened_assignment)
    db.session.commit()
    huey(backend_app).flush()
    assert operations.claim_run(run.id, "w1", timedelta(minutes=1))
    assert operations.release_after_error(run.id, "w1", "engine restarting") is RunStatus.QUEUED
    db.session.commit()
    task = tasks()[0]
    assert task.done_at is None and task.due_at > now_utc() + timedelta(seconds=5)
    [message] = huey(backend_app).pending()  # the consumer holds it until its eta
    assert message.eta is not None and message.args == (run.id,)


def test_unknown_kinds_are_refused(backend_app):
    with pytest.raises(ValueError, match="unknown outbox task kind"):
        outbox.enqueue("print_invoice", 1)


def test_a_message_still_waiting_in_the_broker_is_not_sent_twice(backend_app, opened_assignment):
    submit(opened_assignment)
    db.session.commit()
    assert sweep(backend_app, NOW).redispatched == []  # a long backlog is not a loss
    assert len(huey(backend_app)) == 1

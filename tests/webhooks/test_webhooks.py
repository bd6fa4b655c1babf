"""Webhooks: events become signed deliveries, sent by a real Huey consumer to a real HTTP
receiver, retried with back-off after a failure, and logged for admins."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.grading import operations as grading
from app.models import DeliveryStatus, Role, WebhookDelivery
from app.pipeline import operations as pipeline
from app.webhooks import delivery, events, signing
from app.webhooks.operations import create_endpoint
from tests.conftest import app_context_on
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import schedule, staff, submit
from tests.webhooks.receiver import receiver


@pytest.fixture
def app(tmp_path):
    """A SQLite queue file so a real Huey consumer (in threads) can run the delivery task."""
    with app_context_on(
        f"sqlite:///{tmp_path / 'app.db'}",
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        EXERCISES_DIR=FIXTURES,
        WEBHOOK_RETRY_SECONDS=0.2,
        WEBHOOK_MAX_ATTEMPTS=3,
    ) as app:
        db.create_all()
        yield app


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def wait_for(predicate, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_signatures_verify_and_reject_tampering_and_replays():
    body = b'{"event":"stage.changed"}'
    header = signing.signature_header("s3cret-s3cret-s3cret", body, timestamp=1_000_000)
    assert signing.verify("s3cret-s3cret-s3cret", header, body, now=1_000_010)
    assert not signing.verify("s3cret-s3cret-s3cret", header, body + b" ", now=1_000_010)
    assert not signing.verify("another-secret-000000", header, body, now=1_000_010)
    assert not signing.verify("s3cret-s3cret-s3cret", header, body, now=1_000_000 + 3600)
    assert not signing.verify("s3cret-s3cret-s3cret", "garbage", body)


def test_a_stage_move_is_delivered_signed_retried_after_a_500_and_logged(
    app, create_job, create_candidate, client, auth
):
    admin = staff(Role.ADMIN, "Ada Admin")
    application = create_candidate(create_job()).applications[0]
    with receiver(500, 200) as hook:
        endpoint = create_endpoint(hook.url, "", ["stage.changed"], admin)
        db.session.commit()
        screen = next(s for s in application.job.stages if s.name == "Recruiter screen")
        pipeline.move(application, screen, admin, "looks promising")
        db.session.commit()  # the delivery is queued only now
        consumer = app.extensions["grading_queue"].huey.create_consumer(
            workers=1, periodic=False, check_worker_health=False, scheduler_interval=1
        )
        consumer.start()
        try:
            wait_for(lambda: deliveries()[0].status is DeliveryStatus.DELIVERED)
        finally:
            consumer.stop(graceful=True)
    assert len(hook.requests) == 2
    first, second = hook.requests
    assert first.body == second.body  # the same bytes, so the same signature scheme applies
    for request in hook.requests:
        assert request.headers["X-HireLab-Event"] == "stage.changed"
        assert signing.verify(endpoint.secret, request.headers["X-HireLab-Signature"], request.body)
    assert first.headers["X-HireLab-Delivery"] == second.headers["X-HireLab-Delivery"]
    payload = json.loads(second.body)
    assert payload["event"] == "stage.changed"
    assert payload["data"]["to_stage"]["name"] == "Recruiter screen"
    assert payload["data"]["reason"] == "looks promising"
    (sent,) = deliveries()
    log = [(a.attempt, a.status_code) for a in sent.attempt_log]
    assert log == [(1, 500), (2, 200)]
    assert "HTTP 500" in sent.attempt_log[0].error and sent.attempt_log[1].error == ""
    assert all(a.duration_ms >= 0 for a in sent.attempt_log)
    retry_gap = sent.attempt_log[1].at - sent.attempt_log[0].at
    assert retry_gap >= timedelta(seconds=0.2)

    auth.login_as(admin)
    page = client.get(f"/admin/webhooks/{endpoint.id}").text
    assert "delivered" in page and "HTTP 500" in page and "stage.changed" in page


def test_gives_up_after_the_last_attempt_with_exponential_back_off(app, create_job):
    policy = delivery.Policy(max_attempts=3, base_delay_s=10)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert delivery.Policy(base_delay_s=30).delay(20) == delivery.MAX_BACKOFF_S
    with receiver(503) as hook:
        create_endpoint(hook.url, "", ["stage.changed"], None)
        create_job()  # no event
        job = pipeline.create_job("Data", None)
        candidate = pipeline.add_candidate("Bo", "bo@example.com", "referral")
        application = pipeline.apply(candidate, job, None)
        pipeline.move(application, job.stages[1], None)
        db.session.commit()
        (pending,) = deliveries()
        fast = delivery.Policy(max_attempts=3, base_delay_s=0)
        retries = [delivery.deliver(pending.id, fast) for _ in range(3)]
    assert retries == [0, 0, None]
    (failed,) = deliveries()
    assert failed.status is DeliveryStatus.FAILED
    assert [a.status_code for a in failed.attempt_log] == [503, 503, 503]
    assert delivery.deliver(failed.id, fast) is None  # a finished delivery is never sent again
    assert len(hook.requests) == 3


def test_unreachable_receiver_is_logged_without_a_status(app):
    endpoint = create_endpoint("http://127.0.0.1:9/closed", "", ["stage.changed"], None)
    events.publish("stage.changed", {"application_id": 1})
    db.session.commit()
    (pending,) = deliveries()
    assert delivery.deliver(pending.id, delivery.Policy()) == 30
    (logged,) = deliveries()
    assert logged.attempt_log[0].status_code is None and logged.attempt_log[0].error
    assert logged.status is DeliveryStatus.PENDING and endpoint.id == logged.endpoint_id


def test_events_reach_only_active_subscribed_endpoints_and_roll_back_with_the_change(app):
    moves = create_endpoint("http://127.0.0.1:9/moves", "", ["stage.changed"], None)
    paused = create_endpoint("http://127.0.0.1:9/paused", "", list(events.EVENTS), None)
    paused.active = False
    db.session.commit()
    events.publish("scorecard.submitted", {"scorecard_id": 1})
    events.publish("stage.changed", {"application_id": 1})
    db.session.rollback()
    assert deliveries() == []
    assert app.extensions["grading_queue"].huey.pending_count() == 0
    events.publish("stage.changed", {"application_id": 1})
    db.session.commit()
    assert [(d.endpoint_id, d.event) for d in deliveries()] == [(moves.id, "stage.changed")]
    assert app.extensions["grading_queue"].huey.pending_count() == 1


def test_grading_and_scorecards_publish_their_events(app, create_job, create_candidate):
    create_endpoint("http://127.0.0.1:9/all", "", list(events.EVENTS), None)
    recruiter = staff(Role.RECRUITER, "Rita Recruiter")
    application = create_candidate(create_job()).applications[0]
    stage = next(s for s in application.job.stages if s.name == "Technical interviews")
    pipeline.move(application, stage, recruiter)
    db.session.commit()
    interviewer = staff(Role.INTERVIEWER, "Ian Interviewer")
    card = submit(schedule(application, [interviewer], actor=recruiter), interviewer)
    assignment = grading.assign_exercise(application, "tiny", 30, None, timedelta(days=1))
    grading.open_assignment(assignment)
    run = grading.submit(
        assignment, "t.ipynb", (FIXTURES / "tiny/reference/full-marks.ipynb").read_bytes(), 1, 10**6
    )
    db.session.commit()
    assert grading.claim_run(run.id, "worker-1", timedelta(minutes=1))
    scored = grading.ScoredRun("completed", "", 10, 10, 1.0, 3, 3, (), (), None, "")
    assert grading.record_result(run.id, "worker-1", scored)
    db.session.commit()
    by_event = {d.event: d.payload["data"] for d in deliveries()}
    assert by_event["stage.changed"]["to_stage"]["name"] == "Technical interviews"
    assert by_event["scorecard.submitted"]["scorecard_id"] == card.id
    assert by_event["submission.graded"] == {
        "run_id": run.id,
        "submission_id": run.submission_id,
        "assignment_id": assignment.id,
        "application_id": application.id,
        "exercise": "tiny",
        "verdict": "completed",
        "score": 10,
        "max_score": 10,
        "attempts": 1,
    }


def test_admins_add_endpoints_with_a_generated_secret(app, client, auth):
    auth.login_as(staff(Role.ADMIN, "Ada Admin"))
    bad = client.post("/admin/webhooks", data={"url": "ftp://x", "events": ["stage.changed"]})
    assert "Give a full http" in bad.text
    response = client.post(
        "/admin/webhooks", data={"url": "https://ats.example/hook", "events": ["stage.changed"]}
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "https://ats.example/hook" in page and "Nothing delivered yet" in page

"""test_status through not started → in progress → complete (score, max score, evidence per
dimension, a signed review link that still asks for a sign-in), and the completion callback: a
PATCH with the connection's key to the ATS's url, retried through the outbox like a webhook."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import outbox
from app.extensions import db
from app.grading import operations as grading
from app.integrations import callbacks, connections
from app.models import AtsOrder, CallbackStatus, JobMember, OutboxTask, Role
from app.webhooks.delivery import Policy
from tests.conftest import PASSWORD
from tests.grading.conftest import TINY
from tests.integrations.conftest import candidate_payload
from tests.webhooks.receiver import receiver


def scored(score_basics: float, score_accuracy: float) -> grading.ScoredRun:
    groups = (
        grading.ScoredGroup(
            "basics",
            "Defines the contract functions",
            "python_engineering",
            score_basics,
            4.0,
            True,
            "",
        ),
        grading.ScoredGroup(
            "accuracy",
            "Predicts the hidden holdout",
            "ml_fundamentals",
            score_accuracy,
            6.0,
            False,
            "",
        ),
    )
    return grading.ScoredRun(
        verdict="completed",
        message="",
        score=score_basics + score_accuracy,
        max_score=10.0,
        duration_s=1.0,
        cells_total=3,
        cells_executed=3,
        groups=groups,
        tests=(),
        executed_notebook=None,
        logs="",
    )


def upload_and_grade(order: AtsOrder, result: grading.ScoredRun) -> int:
    """The candidate's upload, graded by a worker's storage path (the docker flow is in
    test_ats_flow.py)."""
    assignment = order.assignment
    grading.open_assignment(assignment)
    notebook = (TINY / "reference" / "full-marks.ipynb").read_bytes()
    run = grading.submit(assignment, "tiny.ipynb", notebook, 1, 10**6)
    db.session.commit()
    assert grading.claim_run(run.id, "test-worker", timedelta(minutes=1))
    assert grading.record_result(run.id, "test-worker", result)
    db.session.commit()
    return run.id


def order_test(ats, job, callback_url: str) -> AtsOrder:
    interview_id = ats.send_test(f"{job.id}-tiny", candidate_payload(), callback_url)
    return db.session.scalar(select(AtsOrder).where(AtsOrder.partner_interview_id == interview_id))


def test_status_moves_from_not_started_to_complete_with_evidence(create_job, connect, ats_for):
    job = create_job()
    _, key = connect(job)
    ats = ats_for(key)
    order = order_test(ats, job, "http://127.0.0.1:9/never-called")
    status = ats.test_status(order.partner_interview_id)
    assert status["partner_status"] == "not_started" and status["partner_score"] is None
    assert status["partner_profile_url"] is None

    grading.open_assignment(order.assignment)
    db.session.commit()
    assert ats.test_status(order.partner_interview_id)["partner_status"] == "in_progress"

    upload_and_grade(order, scored(4.0, 3.0))
    status = ats.test_status(order.partner_interview_id)
    assert status["partner_status"] == "complete"
    assert status["partner_score"] == 7.0
    assert status["metadata"]["Max Score"] == 10.0
    assert status["metadata"]["Evidence: python_engineering"] == "4.0 / 4.0"
    assert status["metadata"]["Evidence: ml_fundamentals"] == "3.0 / 6.0"
    assert "/integrations/review/" in status["partner_profile_url"]
    # Nothing personal crosses the connection: no name, email or file name in the answer.
    assert "Harry" not in str(status) and "hogwarts" not in str(status)


def test_status_of_unknown_or_other_connections_tests_is_404(create_job, connect, ats_for):
    mine, theirs = create_job(), create_job("Other")
    _, my_key = connect(mine)
    _, their_key = connect(theirs, name="Lever")
    order = order_test(ats_for(their_key), theirs, "http://127.0.0.1:9/x")
    ats = ats_for(my_key)
    for interview_id in (order.partner_interview_id, "nope", "' OR 1=1 --"):
        answer = ats.test_status_raw(interview_id)
        assert answer.status == 404 and "send_test" in answer.body["errors"][0]
    answer = ats.test_status_raw(None)
    assert answer.status == 400 and "partner_interview_id" in answer.body["errors"][0]


def test_the_review_link_is_signed_and_still_asks_for_a_sign_in(
    app, create_job, create_user, connect, ats_for
):
    recruiter, outsider = create_user(Role.RECRUITER), create_user(Role.RECRUITER)
    job = create_job(owner=recruiter)
    _, key = connect(job)
    ats = ats_for(key)
    order = order_test(ats, job, "http://127.0.0.1:9/x")
    run_id = upload_and_grade(order, scored(4.0, 6.0))
    link = urlsplit(ats.test_status(order.partner_interview_id)["partner_profile_url"]).path

    browser = app.test_client()
    assert "/login" in browser.get(link).location  # signed, but no way around the sign-in
    browser.post("/login", data={"email": outsider.email, "password": PASSWORD})
    review = browser.get(link)
    assert review.status_code == 302
    assert browser.get(review.location).status_code == 403  # the review page's own policy

    team = app.test_client()
    team.post("/login", data={"email": recruiter.email, "password": PASSWORD})
    review = team.get(link)
    submission_id = db.session.get(grading.GradingRun, run_id).submission_id
    assert review.location.endswith(f"/submissions/{submission_id}")
    assert team.get(review.location).status_code == 200
    assert team.get(link[:-3] + "abc").status_code == 404  # a tampered link leads nowhere
    db.session.add(JobMember(job_id=job.id, user_id=outsider.id))
    db.session.commit()
    assert browser.get(browser.get(link).location).status_code == 200


def _callback_task(order_id: int) -> OutboxTask | None:
    db.session.expire_all()
    return db.session.scalar(
        select(OutboxTask).where(
            OutboxTask.kind == outbox.KIND_ATS_CALLBACK, OutboxTask.target_id == order_id
        )
    )


def test_grading_calls_the_ats_back_with_retries(create_job, connect, ats_for):
    job = create_job()
    _, key = connect(job)
    ats = ats_for(key)
    with receiver(503, 204) as ats_side:
        order = order_test(ats, job, ats_side.url)
        assert _callback_task(order.id) is None  # nothing to announce before a grade
        upload_and_grade(order, scored(4.0, 6.0))
        task = _callback_task(order.id)
        assert task is not None and task.done_at is None  # written with the grade

        policy = Policy(max_attempts=3, base_delay_s=0.0)
        assert callbacks.deliver(order.id, policy) == 0.0  # 503: retried
        assert callbacks.deliver(order.id, policy) is None  # 204: delivered
    db.session.expire_all()
    order = db.session.get(AtsOrder, order.id)
    assert order.callback_status is CallbackStatus.DELIVERED and order.callback_attempts == 2
    assert _callback_task(order.id).done_at is not None
    assert [r.method for r in ats_side.requests] == ["PATCH", "PATCH"]
    assert ats_side.requests[0].body == b""  # "No parameters are necessary with this request."
    credentials = ats_side.requests[0].headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(credentials).decode() == f"{key}:"  # the connection's own key
    assert ats.test_status(order.partner_interview_id)["partner_status"] == "complete"
    assert callbacks.deliver(order.id, policy) is None  # a duplicate message sends nothing
    assert len(ats_side.requests) == 2


def _narrow_the_allow_list(app, connection, admin) -> str:
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ""  # e.g. the allow-list was narrowed since
    return "loopback"


def _revoke(app, connection, admin) -> str:
    connections.revoke_connection(connection, admin)
    db.session.commit()
    return "revoked"


@pytest.mark.parametrize("spoil", [_narrow_the_allow_list, _revoke])
def test_a_refused_destination_or_revoked_connection_gets_no_callback(
    app, ordering, create_user, spoil
):
    ats, job, connection = ordering
    with receiver(204) as ats_side:
        order = order_test(ats, job, ats_side.url)
        upload_and_grade(order, scored(1.0, 0.0))
        why = spoil(app, connection, create_user(Role.ADMIN))
        policy = Policy(max_attempts=2, base_delay_s=0.0)
        callbacks.deliver(order.id, policy)
        callbacks.deliver(order.id, policy)
    assert ats_side.requests == []
    db.session.expire_all()
    order = db.session.get(AtsOrder, order.id)
    assert order.callback_status is CallbackStatus.FAILED and why in order.callback_error
    assert _callback_task(order.id).done_at is not None

"""The whole flow as an ATS sees it, against the running app: the simulated ATS lists the tests
and orders one → the candidate follows the mailed invite and uploads → a real `flask worker`
grades it on the docker backend → the worker calls the ATS back (PATCH to a real receiver on
loopback) → the ATS reads the completed status. On SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AtsOrder, CallbackStatus, OutboxMessage
from tests.conftest import TEST_ALLOWED_HOSTS
from tests.grading.conftest import FIXTURES, TINY
from tests.grading.workers import wait_for, worker_env, worker_process
from tests.integrations.conftest import candidate_payload
from tests.webhooks.receiver import receiver

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def test_order_upload_grade_callback_and_status(app, tmp_path, create_job, connect, ats_for):
    job = create_job()
    _, key = connect(job)
    ats = ats_for(key)
    (test,) = ats.list_tests()

    with receiver(204) as ats_side:
        interview_id = ats.send_test(test["partner_test_id"], candidate_payload(), ats_side.url)
        assert ats.test_status(interview_id)["partner_status"] == "not_started"

        mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        link = re.search(r"https?://\S+/invite/\S+", mail.body).group(0)
        applicant = app.test_client()
        assert applicant.get(urlsplit(link).path).status_code == 302  # signs the candidate in
        assignment_url = re.search(r'href="(/me/assignments/\d+)"', applicant.get("/me").text)[1]
        applicant.post(f"{assignment_url}/start")
        uploaded = applicant.post(
            f"{assignment_url}/submissions",
            data={
                "notebook": (
                    io.BytesIO((TINY / "reference" / "full-marks.ipynb").read_bytes()),
                    "tiny.ipynb",
                )
            },
            content_type="multipart/form-data",
        )
        assert uploaded.status_code == 302
        assert ats.test_status(interview_id)["partner_status"] == "in_progress"

        config = app.config
        env = worker_env(
            config["SQLALCHEMY_DATABASE_URI"],
            config["QUEUE_URL"],
            FIXTURES,
            WEBHOOK_ALLOWED_HOSTS=TEST_ALLOWED_HOSTS,
            WEBHOOK_RETRY_SECONDS="1",
        )
        log = tmp_path / "worker.log"
        with worker_process(env, log):
            wait_for(lambda: ats_side.requests, 480, "the worker to grade and call the ATS", log)

    (callback,) = ats_side.requests
    assert callback.method == "PATCH" and callback.headers["Authorization"].startswith("Basic ")
    status = ats.test_status(interview_id)
    assert status["partner_status"] == "complete"
    assert status["metadata"]["Verdict"] == "completed", status  # a sandbox timeout scores 0
    assert status["partner_score"] == 10.0 and status["metadata"]["Max Score"] == 10.0
    assert status["metadata"]["Evidence: ml_fundamentals"] == "6.0 / 6.0"
    db.session.expire_all()
    order = db.session.scalar(select(AtsOrder))
    assert order.callback_status is CallbackStatus.DELIVERED

"""What operations watch: `flask queue status`, /healthz, /readyz and the Prometheus endpoint."""

from __future__ import annotations

import io
import json
import socket
from datetime import timedelta

from app.api.tokens import create_token
from app.auth.operations import create_user
from app.extensions import db
from app.grading import operations
from app.models import OutboxTask, Role
from tests.conftest import AuthActions, app_context_on
from tests.grading.conftest import FIXTURES, TINY
from tests.outbox.conftest import make_opened_assignment

NOTEBOOK = (TINY / "reference" / "full-marks.ipynb").read_bytes()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_queue_status_shows_queued_running_and_the_outbox_backlog(
    backend_app, opened_assignment
):
    first = operations.submit(opened_assignment, "a.ipynb", NOTEBOOK, 1, 10**6)
    operations.submit(opened_assignment, "b.ipynb", NOTEBOOK, 1, 10**6)
    db.session.commit()
    assert operations.claim_run(first.id, "host:1:2", timedelta(seconds=30))
    db.session.commit()
    runner = backend_app.test_cli_runner()
    text = runner.invoke(args=["queue", "status"])
    assert text.exit_code == 0, text.output
    assert "queued:             1" in text.output
    assert f"run {first.id} attempt 1 on host:1:2" in text.output and "lease ends in" in text.output
    assert "outbox backlog:     grade_run 2" in text.output
    as_json = json.loads(runner.invoke(args=["queue", "status", "--json"]).output)
    assert as_json["queued"] == 1 and as_json["outbox_backlog"] == {"grade_run": 2}
    assert as_json["broker"] == "2"  # both messages still wait in the (memory) queue


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    client.application.config["READY_CHECKS"] = ("database", "queue")
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["status"] == "ready"
    assert set(ready.json["checks"]) == {"database", "queue"}


def test_readyz_says_which_dependency_is_down_and_never_500s(tmp_path):
    with app_context_on(
        f"sqlite:///{tmp_path / 'r.db'}",
        QUEUE_URL=f"redis://127.0.0.1:{closed_port()}/0",
        READY_CHECKS=("database", "queue", "nonsense"),
    ) as app:
        db.create_all()
        answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["status"] == "not ready"
    assert answer.json["checks"]["database"] == "ok"
    assert answer.json["checks"]["queue"].startswith("failed: ConnectionError")
    assert "unknown check" in answer.json["checks"]["nonsense"]


def test_an_upload_while_the_broker_is_down_is_accepted_and_kept(tmp_path):
    """The API answers 201 for a stored submission; the outbox row waits for the sweeper."""
    with app_context_on(
        f"sqlite:///{tmp_path / 'b.db'}",
        QUEUE_URL=f"redis://127.0.0.1:{closed_port()}/0",
        EXERCISES_DIR=FIXTURES,
    ) as app:
        db.create_all()
        assignment = make_opened_assignment()
        _, token = create_token(assignment.application.candidate.user, "t")
        db.session.commit()
        answer = app.test_client().post(
            f"/api/v1/assignments/{assignment.id}/submissions",
            data={"notebook": (io.BytesIO(NOTEBOOK), "tiny.ipynb")},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.json
        task = db.session.scalar(db.select(OutboxTask))
        assert task.kind == "grade_run" and task.done_at is None


def test_metrics_need_an_admin_or_the_token(backend_app, opened_assignment):
    operations.submit(opened_assignment, "a.ipynb", NOTEBOOK, 1, 10**6)
    db.session.commit()
    app, client = backend_app, backend_app.test_client()
    recruiter = create_user("rita@hirelab.example", "Rita", Role.RECRUITER, "long enough pw")
    admin = create_user("ada@hirelab.example", "Ada", Role.ADMIN, "long enough pw")
    db.session.commit()
    assert client.get("/metrics").status_code == 401
    app.config["METRICS_TOKEN"] = "scrape-me-please"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"
    body = scraped.text
    assert "hirelab_grading_queue_depth 1.0" in body
    assert 'hirelab_outbox_backlog{kind="grade_run"} 1.0' in body
    assert 'hirelab_grading_duration_seconds_bucket{le="+Inf"} 0.0' in body
    app.config["METRICS_TOKEN"] = ""  # admins only
    AuthActions(client).login_as(recruiter)
    assert client.get("/metrics").status_code == 401
    AuthActions(client).login_as(admin)
    assert client.get("/metrics").status_code == 200

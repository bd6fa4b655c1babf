"""Issue 13 (7): webhook endpoints cannot point at this machine or a private network (a port
scanner into PostgreSQL, Redis, the app itself or cloud metadata), at save time or at delivery
time, unless allow-listed (WEBHOOK_ALLOWED_HOSTS); no receiver's response body is ever echoed."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import DeliveryStatus, Role, WebhookDelivery, WebhookEndpoint
from app.webhooks import delivery, destinations, events
from app.webhooks.operations import create_endpoint
from tests.scorecards.conftest import staff
from tests.webhooks.receiver import receiver

REFUSED = [
    "http://127.0.0.1:54329/",  # PostgreSQL on loopback
    "http://localhost:63790/",  # Redis, by name
    "http://[::1]:5000/",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.5/hook",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.64.0.1/",  # shared address space
    "http://0.0.0.0:8000/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://2130706433/",  # 127.0.0.1 as one decimal number
]


@pytest.fixture
def strict(app):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ""
    return app


@pytest.mark.parametrize("url", REFUSED)
def test_admins_cannot_save_an_endpoint_on_loopback_private_or_metadata_addresses(
    strict, client, auth, url
):
    auth.login_as(staff(Role.ADMIN, "Ada Admin"))
    response = client.post("/admin/webhooks", data={"url": url, "events": ["stage.changed"]})
    assert response.status_code == 200
    assert "webhooks are not sent there" in response.text or "does not resolve" in response.text
    assert "WEBHOOK_ALLOWED_HOSTS" in response.text or "does not resolve" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0


def test_the_allow_list_admits_an_on_premise_receiver_by_address_or_network(strict):
    with pytest.raises(destinations.DestinationRefused):
        destinations.checked_address("http://10.20.3.4/hook")
    assert destinations.checked_address("http://10.20.3.4/hook", ["10.20.0.0/16"]) == "10.20.3.4"
    assert destinations.checked_address("http://localhost/", ["localhost"]) in ("127.0.0.1", "::1")
    with pytest.raises(destinations.DestinationRefused):
        destinations.checked_address("http://10.21.0.1/hook", ["10.20.0.0/16"])


def test_delivery_checks_again_and_never_connects_to_a_destination_that_turned_private(strict):
    """An endpoint saved while its name pointed elsewhere (DNS rebinding): at delivery the host
    resolves to loopback, so nothing is sent, and the log says why."""
    with receiver(200) as hook:
        db.session.add(WebhookEndpoint(url=hook.url, secret="s" * 20, events=["stage.changed"]))
        db.session.commit()
        events.publish("stage.changed", {"application_id": 1})
        db.session.commit()
        (pending,) = db.session.scalars(db.select(WebhookDelivery)).all()
        delivery.deliver(pending.id, delivery.Policy(max_attempts=1))
        assert hook.requests == []
    db.session.expire_all()
    (failed,) = db.session.scalars(db.select(WebhookDelivery)).all()
    assert failed.status is DeliveryStatus.FAILED
    assert "not sent" in failed.attempt_log[0].error
    assert "WEBHOOK_ALLOWED_HOSTS" in failed.attempt_log[0].error


def test_a_receivers_response_body_is_never_kept_or_shown(app, client, auth):
    admin = staff(Role.ADMIN, "Ada Admin")
    with receiver(500) as hook:  # allow-listed loopback (tests/conftest.py)
        endpoint = create_endpoint(hook.url, "", ["stage.changed"], admin)
        events.publish("stage.changed", {"application_id": 1})
        db.session.commit()
        (pending,) = db.session.scalars(db.select(WebhookDelivery)).all()
        delivery.deliver(pending.id, delivery.Policy(max_attempts=1))
        assert len(hook.requests) == 1
    db.session.expire_all()
    (failed,) = db.session.scalars(db.select(WebhookDelivery)).all()
    assert failed.attempt_log[0].error == "HTTP 500 Internal Server Error"
    auth.login_as(admin)
    page = client.get(f"/admin/webhooks/{endpoint.id}").text
    assert "HTTP 500" in page and "receiver is down" not in page

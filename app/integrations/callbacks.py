"""The contract's "test completed" callback: a PATCH (no body, HTTP Basic with the connection's
key) to the `url` the ATS gave in send_test, after which the ATS reads test_status.

It rides the webhooks' delivery machinery: written in the transaction that stored the grade
(outbox task), sent by a worker after the commit, the destination checked at every attempt as a
webhook's is (WEBHOOK_ALLOWED_HOSTS included), retried with the webhooks' backoff policy, and
re-dispatched by the outbox sweeper when the queue lost it.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from flask import current_app

from app import outbox
from app.extensions import db
from app.integrations.connections import api_key
from app.models import AtsOrder, CallbackStatus, now_utc
from app.webhooks import destinations
from app.webhooks.delivery import USER_AGENT, Policy, Response, claim_due, post, settle


def _claim(order_id: int, now: datetime) -> bool:
    return claim_due(
        AtsOrder.id,
        order_id,
        AtsOrder.callback_status,
        CallbackStatus.PENDING,
        AtsOrder.callback_next_at,
        AtsOrder.callback_attempts,
        now,
    )


def _send(order: AtsOrder) -> Response:
    if not order.connection.is_active:
        return Response(None, "not sent: the connection was revoked", 0)
    address, refusal = destinations.check_for_delivery(order.callback_url)
    if refusal:
        return Response(None, f"not sent: {refusal}", 0)
    key = api_key(current_app.config["SECRET_KEY"], order.connection.key_salt)
    credentials = base64.b64encode(f"{key}:".encode()).decode()
    headers = {"Authorization": f"Basic {credentials}", "User-Agent": USER_AGENT}
    return post(order.callback_url, None, headers, address, method="PATCH")


def deliver(order_id: int, policy: Policy) -> float | None:
    """Attempt a due callback; returns the delay before its retry, or None (done, or not due)."""
    if not _claim(order_id, now_utc()):
        db.session.rollback()
        return None
    db.session.commit()
    order = db.session.get(AtsOrder, order_id, populate_existing=True)
    assert order is not None
    response = _send(order)
    order.callback_error = response.error
    retry_in = settle(
        outbox.KIND_ATS_CALLBACK,
        order.id,
        response,
        order.callback_attempts,
        policy,
        order.connection.is_active,
    )
    if response.ok:
        order.callback_status = CallbackStatus.DELIVERED
        order.callback_delivered_at = now_utc()
    elif retry_in is None:
        order.callback_status = CallbackStatus.FAILED
    order.callback_next_at = None if retry_in is None else now_utc() + timedelta(seconds=retry_in)
    db.session.commit()
    return retry_in


def pending_until(order_id: int, now: datetime) -> datetime | None:
    """For the outbox sweeper: None once delivered or given up, else when the next try is due."""
    order = db.session.get(AtsOrder, order_id, populate_existing=True)
    if order is None or order.callback_status is not CallbackStatus.PENDING:
        return None
    return max(order.callback_next_at or now, now)

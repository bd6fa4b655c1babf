"""The webhook consumer on the queue (Huey): sent by `flask worker`, never in a request."""

from __future__ import annotations

from typing import Any

from flask import Flask
from huey import Huey
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app import outbox
from app.outbox.dispatch import Consumer, Dispatcher
from app.webhooks import delivery
from app.webhooks.events import ENDPOINTS_KEY


def init_webhook_tasks(app: Flask, huey: Huey, dispatcher: Dispatcher) -> Any:
    policy = delivery.Policy(
        app.config["WEBHOOK_MAX_ATTEMPTS"], app.config["WEBHOOK_RETRY_SECONDS"]
    )

    @huey.task(name="deliver_webhook")
    def deliver_webhook(delivery_id: int) -> None:
        with app.app_context():
            delivery.deliver(delivery_id, policy)  # its retry goes through the outbox

    dispatcher.register(
        outbox.KIND_WEBHOOK,
        Consumer(deliver_webhook, delivery.pending_until, delivery.without_task),
    )
    return deliver_webhook


@event.listens_for(Session, "after_transaction_end")
def _forget_endpoints(session: Session, transaction: SessionTransaction) -> None:
    """The active endpoints are read once per transaction (events.py); forget them after it."""
    if transaction.parent is None:
        session.info.pop(ENDPOINTS_KEY, None)

"""The ATS callback consumer on the queue (Huey): sent by `flask worker`, never in a request."""

from __future__ import annotations

from typing import Any

from flask import Flask
from huey import Huey

from app import outbox
from app.integrations import callbacks
from app.outbox.dispatch import Consumer, Dispatcher
from app.webhooks.delivery import Policy


def init_ats_callback_tasks(app: Flask, huey: Huey, dispatcher: Dispatcher) -> Any:
    """Register after init_webhook_tasks: callbacks retry with the webhooks' policy settings."""
    policy = Policy(app.config["WEBHOOK_MAX_ATTEMPTS"], app.config["WEBHOOK_RETRY_SECONDS"])

    @huey.task(name="deliver_ats_callback")
    def deliver_ats_callback(order_id: int) -> None:
        with app.app_context():
            callbacks.deliver(order_id, policy)  # its retry goes through the outbox

    dispatcher.register(
        outbox.KIND_ATS_CALLBACK, Consumer(deliver_ats_callback, callbacks.pending_until)
    )
    return deliver_ats_callback

"""Webhook deliveries on the grading queue (Huey): sent by `flask worker`, never in a request."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.webhooks import delivery
from app.webhooks.events import ENDPOINTS_KEY, PENDING_KEY

log = logging.getLogger(__name__)
SWEEP_GRACE = timedelta(seconds=60)


def init_webhook_tasks(app: Flask, huey: Huey) -> Any:
    app.config.setdefault("WEBHOOK_MAX_ATTEMPTS", int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8")))
    app.config.setdefault(
        "WEBHOOK_RETRY_SECONDS", float(os.environ.get("WEBHOOK_RETRY_SECONDS", "30"))
    )
    policy = delivery.Policy(
        app.config["WEBHOOK_MAX_ATTEMPTS"], app.config["WEBHOOK_RETRY_SECONDS"]
    )

    @huey.task(name="deliver_webhook")
    def deliver_webhook(delivery_id: int) -> None:
        with app.app_context():
            retry_in = delivery.deliver(delivery_id, policy)
        if retry_in is not None:
            deliver_webhook.schedule((delivery_id,), delay=retry_in)

    @huey.periodic_task(crontab(minute="*"), name="sweep_webhooks")
    def sweep_webhooks() -> list[int]:
        with app.app_context():
            lost = delivery.overdue(SWEEP_GRACE)
        for delivery_id in lost:
            deliver_webhook(delivery_id)
        return lost

    app.extensions["webhook_task"] = deliver_webhook
    return deliver_webhook


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    session.info.pop(ENDPOINTS_KEY, None)
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    task = current_app.extensions.get("webhook_task")
    if task is None:
        return
    for delivery_id in pending:
        try:
            task(delivery_id)
        except Exception:  # the queue is down: the periodic sweep sends it later
            log.exception("could not enqueue webhook delivery %s", delivery_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_transaction(session: Session, transaction: SessionTransaction) -> None:
    """Rolled back or closed without a commit: its deliveries never existed (after_commit has
    already taken those of a committed transaction)."""
    if transaction.parent is None:
        session.info.pop(ENDPOINTS_KEY, None)
        session.info.pop(PENDING_KEY, None)

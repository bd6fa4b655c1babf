"""Publishing events: one WebhookDelivery row per subscribed endpoint, in the caller's transaction.

The rows commit (or roll back) with the change that caused them, each with its outbox task, and are
handed to the queue only after the commit (app/outbox), so a webhook never announces something that
did not happen.
Operations call the one-line helpers below; payloads carry ids, not personal data.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app import outbox
from app.extensions import db
from app.models import (
    AtsOrder,
    CallbackStatus,
    GradingRun,
    Scorecard,
    StageTransition,
    WebhookDelivery,
    WebhookEndpoint,
    now_utc,
)

SUBMISSION_GRADED = "submission.graded"
STAGE_CHANGED = "stage.changed"
SCORECARD_SUBMITTED = "scorecard.submitted"
EVENTS = (SUBMISSION_GRADED, STAGE_CHANGED, SCORECARD_SUBMITTED)

ENDPOINTS_KEY = "webhook_endpoints"  # session.info: active endpoints, read once per transaction


def _endpoints() -> list[tuple[int, list[str]]]:
    info = db.session.info
    if ENDPOINTS_KEY not in info:
        info[ENDPOINTS_KEY] = [
            (endpoint_id, list(events or []))
            for endpoint_id, events in db.session.execute(
                select(WebhookEndpoint.id, WebhookEndpoint.events).where(WebhookEndpoint.active)
            )
        ]
    return info[ENDPOINTS_KEY]


def publish(event: str, data: dict[str, Any]) -> None:
    """Record `event` for every active endpoint subscribed to it (flushes, never commits)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    targets = [endpoint_id for endpoint_id, events in _endpoints() if event in events]
    if not targets:
        return
    now = now_utc()
    payload = {"id": str(uuid.uuid4()), "event": event, "created_at": now.isoformat(), "data": data}
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=event,
            event_id=payload["id"],
            payload=payload,
            next_attempt_at=now,
        )
        for endpoint_id in targets
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    for delivery in deliveries:
        outbox.enqueue(outbox.KIND_WEBHOOK, delivery.id)


def submission_graded(run_id: int) -> None:
    run = db.session.get(GradingRun, run_id, populate_existing=True)
    assert run is not None
    assignment = run.submission.assignment
    publish(
        SUBMISSION_GRADED,
        {
            "run_id": run.id,
            "submission_id": run.submission_id,
            "assignment_id": assignment.id,
            "application_id": assignment.application_id,
            "exercise": assignment.exercise_slug,
            "verdict": run.verdict,
            "score": run.score,
            "max_score": run.max_score,
            "attempts": run.attempts,
        },
    )


def stage_changed(move: StageTransition) -> None:
    application = move.application
    publish(
        STAGE_CHANGED,
        {
            "application_id": application.id,
            "candidate_id": application.candidate_id,
            "job_id": application.job_id,
            "from_stage": _stage(move.from_stage),
            "to_stage": _stage(move.to_stage),
            "reason": move.reason,
            "actor_id": move.actor.id if move.actor else None,
            "at": move.at.isoformat(),
        },
    )


def _stage(stage) -> dict[str, Any] | None:
    if stage is None:
        return None
    return {"id": stage.id, "name": stage.name, "kind": stage.kind.value}


def scorecard_submitted(card: Scorecard) -> None:
    publish(
        SCORECARD_SUBMITTED,
        {
            "scorecard_id": card.id,
            "interview_id": card.interview_id,
            "application_id": card.application_id,
            "interviewer_id": card.interviewer_id,
            "version": card.version,
            "recommendation": card.recommendation,
            "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
        },
    )


def ats_orders_graded(run_id: int) -> None:
    """A run was graded: every active ATS order of its assignment has a completion to announce
    (the contract's callback, sent by app/integrations/callbacks.py through the outbox)."""
    run = db.session.get(GradingRun, run_id)
    assert run is not None
    orders = db.session.scalars(
        select(AtsOrder).where(
            AtsOrder.assignment_id == run.submission.assignment_id, AtsOrder.callback_url != ""
        )
    )
    now = now_utc()
    for order in orders:
        if not order.connection.is_active:
            continue
        order.callback_status = CallbackStatus.PENDING
        order.callback_attempts = 0
        order.callback_next_at = now
        db.session.flush()
        outbox.enqueue(outbox.KIND_ATS_CALLBACK, order.id)

"""Sending one delivery: claim it, POST the signed payload, log the attempt, schedule the retry.

At-least-once: a receiver may see a delivery twice (e.g. a worker died after the POST but before
its log was committed) and should deduplicate on the X-HireLab-Delivery header.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from app import outbox
from app.extensions import db
from app.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, now_utc
from app.webhooks import destinations
from app.webhooks.signing import SIGNATURE_HEADER, signature_header

TIMEOUT_S = 10
CLAIM = timedelta(seconds=TIMEOUT_S * 3)  # a sender that died frees the delivery after this
MAX_BACKOFF_S = 3600
USER_AGENT = "HireLab-Webhooks/1"


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    base_delay_s: float = 30.0  # then 60, 120, … capped at an hour

    def delay(self, attempt: int) -> float:
        return min(self.base_delay_s * 2 ** (attempt - 1), MAX_BACKOFF_S)


@dataclass(frozen=True)
class Response:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 3xx is reported, not followed
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def post(
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    address: str | None = None,
    method: str = "POST",
) -> Response:
    """Send `body` to `url` (POST, or `method`), connecting to `address` when given (the one
    destinations.py checked). The receiver's response body is never kept or shown: only its
    status."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    opener = _opener
    if address is not None:
        opener = urllib.request.build_opener(_NoRedirects, *destinations.pinned_handlers(address))
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            response.read(1024)
            status, error = response.status, ""
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code} {failure.reason}".strip()
    except (urllib.error.URLError, OSError, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        status, error = None, f"{type(failure).__name__}: {reason}"
    return Response(status, error[:2000], round((time.perf_counter() - start) * 1000))


def claim_due(
    id_column: Any,
    target_id: int,
    status_column: Any,
    pending: Any,
    next_column: Any,
    attempts_column: Any,
    now: datetime,
) -> bool:
    """Take a row's due attempt (pending, next attempt due): its next attempt moves out by CLAIM
    and the attempt is counted; False when another sender has it, or it is done or not due."""
    result = db.session.execute(
        update(id_column.class_)
        .where(
            id_column == target_id,
            status_column == pending,
            or_(next_column.is_(None), next_column <= now),
        )
        .values({next_column: now + CLAIM, attempts_column: attempts_column + 1})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim(delivery_id: int, now: datetime) -> bool:
    return claim_due(
        WebhookDelivery.id,
        delivery_id,
        WebhookDelivery.status,
        DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at,
        WebhookDelivery.attempts,
        now,
    )


def deliver(delivery_id: int, policy: Policy) -> float | None:
    """Attempt a due delivery; returns the delay before its retry, or None (done, or not due)."""
    if not claim(delivery_id, now_utc()):
        db.session.rollback()
        return None
    db.session.commit()
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    assert delivery is not None
    endpoint = delivery.endpoint
    # Checked again at every delivery: the host's DNS may have changed since it was saved.
    address, refusal = destinations.check_for_delivery(endpoint.url)
    if not endpoint.active:
        response = Response(None, "not sent: the endpoint was disabled", 0)
    elif refusal:
        response = Response(None, f"not sent: {refusal}", 0)
    else:
        body = body_of(delivery)
        response = post(
            endpoint.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-HireLab-Event": delivery.event,
                "X-HireLab-Delivery": delivery.event_id,
                SIGNATURE_HEADER: signature_header(endpoint.secret, body),
            },
            address,
        )
    delivery.attempt_log.append(
        WebhookAttempt(
            attempt=delivery.attempts,
            status_code=response.status_code,
            error=response.error,
            duration_ms=response.duration_ms,
        )
    )
    retry_in = settle(
        outbox.KIND_WEBHOOK, delivery.id, response, delivery.attempts, policy, endpoint.active
    )
    if response.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now_utc()
    elif retry_in is None:
        delivery.status = DeliveryStatus.FAILED
    delivery.next_attempt_at = None if retry_in is None else now_utc() + timedelta(seconds=retry_in)
    db.session.commit()
    return retry_in


def settle(
    kind: str, target_id: int, response: Response, attempts: int, policy: Policy, wanted: bool
) -> float | None:
    """After an attempt: the outbox task is done (delivered, out of attempts, or no longer
    `wanted`) or its retry is scheduled; returns the delay before that retry, or None."""
    if response.ok or attempts >= policy.max_attempts or not wanted:
        outbox.complete(kind, target_id, error=response.error)
        return None
    retry_in = policy.delay(attempts)
    outbox.enqueue(kind, target_id, delay_s=retry_in)
    return retry_in


def pending_until(delivery_id: int, now: datetime) -> datetime | None:
    """For the outbox sweeper: None once delivered or given up, else when the next try is due."""
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING:
        return None
    return max(delivery.next_attempt_at or now, now)


def without_task(before: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries due before `before` that no outbox task sends (rows from before it)."""
    pending = outbox.has_pending_task(outbox.KIND_WEBHOOK, WebhookDelivery.id)
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at < before,
                ~pending,
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
    )

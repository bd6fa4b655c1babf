"""Configuring webhook endpoints (admins). Operations flush; callers commit."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.models import User, WebhookDelivery, WebhookEndpoint
from app.webhooks import destinations
from app.webhooks.events import EVENTS

MAX_URL = 2000
MIN_SECRET = 16


def create_endpoint(
    url: str, secret: str, events: list[str], actor: User | None
) -> WebhookEndpoint:
    """Add an endpoint; a blank secret is generated (the admin copies it to the receiver)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError("Give a full http:// or https:// URL.", field="url")
    if len(url) > MAX_URL:
        raise DomainError(f"Keep the URL under {MAX_URL} characters.", field="url")
    # Loopback, private, link-local, metadata: refused (unless allow-listed); again at delivery.
    destinations.checked_address(url, unresolvable_ok=True)
    secret = secret.strip() or secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET:
        raise DomainError(
            f"Use a secret of at least {MIN_SECRET} characters, or leave it blank to generate one.",
            field="secret",
        )
    unknown = sorted(set(events) - set(EVENTS))
    if unknown or not events:
        raise DomainError(f"Choose events from: {', '.join(EVENTS)}.", field="events")
    endpoint = WebhookEndpoint(
        url=url, secret=secret, events=[e for e in EVENTS if e in events], created_by=actor
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    """Pause or resume an endpoint; paused endpoints get no new deliveries."""
    endpoint.active = active
    db.session.flush()


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 100) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .options(db.selectinload(WebhookDelivery.attempt_log))
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )

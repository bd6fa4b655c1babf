"""Where an interview happens, moving it and calling it off — each change mails the same
calendar event again (app/scorecards/invites.py). Flushes; views commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.errors import DomainError
from app.extensions import db
from app.models import Interview, OutboxMessage, User, now_utc
from app.scorecards import invites

MAX_LOCATION = 300
MAX_VIDEO_URL = 500


def clean_place(location: str, video_url: str) -> tuple[str, str]:
    """A room/address and a video link (https only); one of them is enough, both are fine."""
    location, video_url = (location or "").strip(), (video_url or "").strip()
    if len(location) > MAX_LOCATION:
        raise DomainError(f"Keep the location under {MAX_LOCATION} characters.", "location")
    if video_url:
        parts = urlsplit(video_url)
        if parts.scheme != "https" or not parts.netloc or len(video_url) > MAX_VIDEO_URL:
            raise DomainError(
                "Give the video link as an https:// address (e.g. https://meet.example/abc).",
                field="video_url",
            )
    return location, video_url


def invite(interview: Interview, config: dict[str, Any]) -> list[OutboxMessage]:
    """Mail the new interview's calendar invite to the candidate and the panel."""
    return invites.send(interview, config, "new")


def _require_not_held(interview: Interview) -> None:
    """Only an interview that is neither cancelled nor already scored can change."""
    if interview.cancelled_at is not None:
        raise DomainError("This interview is cancelled; schedule a new one instead.")
    if any(card.is_submitted for card in interview.scorecards):
        raise DomainError("A scorecard is already submitted for this interview; it took place.")


def reschedule(
    interview: Interview,
    scheduled_at: datetime,
    duration_minutes: int | None,
    location: str,
    video_url: str,
    config: dict[str, Any],
) -> list[OutboxMessage]:
    """Move the interview (same calendar event, SEQUENCE + 1) and mail the update."""
    _require_not_held(interview)
    if scheduled_at.tzinfo is None:
        raise ValueError("scheduled_at must be timezone-aware")
    interview.location, interview.video_url = clean_place(location, video_url)
    interview.scheduled_at = scheduled_at
    if duration_minutes:
        interview.duration_minutes = duration_minutes
    interview.sequence += 1
    db.session.flush()
    return invites.send(interview, config, "moved")


def cancel(interview: Interview, actor: User | None, config: dict[str, Any]) -> list[OutboxMessage]:
    """Call the interview off: METHOD:CANCEL for the same event goes to everyone invited."""
    _require_not_held(interview)
    interview.cancelled_at = now_utc()
    interview.sequence += 1
    db.session.flush()
    return invites.send(interview, config, "cancelled")

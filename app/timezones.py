"""Times are stored in UTC and shown in the viewer's own time zone (an IANA name on the user)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask
from flask_login import current_user
from markupsafe import Markup, escape

DEFAULT_ZONE = "UTC"
DEFAULT_FORMAT = "%d %b %Y %H:%M"


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted, UTC first."""
    return (DEFAULT_ZONE, *sorted(name for name in available_timezones() if name != DEFAULT_ZONE))


def is_zone(name: str) -> bool:
    return name in zone_names()


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def viewer_zone_name() -> str:
    """The signed-in user's zone; UTC for anonymous visitors."""
    return getattr(current_user, "time_zone", None) or DEFAULT_ZONE


def in_zone(moment: datetime, zone_name: str) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name))


def from_local(local: datetime, zone_name: str) -> datetime:
    """A wall-clock time typed in `zone_name` (a form's naive datetime) as an aware UTC time."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def to_local_naive(moment: datetime, zone_name: str) -> datetime:
    """The wall-clock time in `zone_name`, naive, to prefill a datetime-local input."""
    return in_zone(moment, zone_name).replace(tzinfo=None)


def format_in_zone(moment: datetime, zone_name: str, fmt: str = DEFAULT_FORMAT) -> str:
    """'01 Dec 2026 15:00 CET': the moment in that zone, with the zone's abbreviation."""
    local = in_zone(moment, zone_name)
    return f"{local.strftime(fmt)} {local.tzname() or zone_name}"


def when(moment: datetime | None, fmt: str = DEFAULT_FORMAT) -> Markup:
    """Jinja filter: a <time> element in the viewer's zone, machine-readable in UTC."""
    if moment is None:
        return Markup("—")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC).isoformat()
    text = format_in_zone(moment, viewer_zone_name(), fmt)
    return Markup(f'<time datetime="{escape(utc)}">{escape(text)}</time>')


def when_text(moment: datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
    """Jinja filter for plain-text mails: the moment in the viewer's zone, no markup."""
    return "—" if moment is None else format_in_zone(moment, viewer_zone_name(), fmt)


def init_app(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_filter(when_text, "when_text")

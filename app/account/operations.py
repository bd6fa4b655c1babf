"""Changing one's own settings. Flushes; the view commits."""

from __future__ import annotations

from app.errors import DomainError
from app.extensions import db
from app.models import User
from app.notifications.operations import KINDS, set_muted
from app.timezones import is_zone


def set_time_zone(user: User, name: str) -> None:
    """Show every time to `user` in the IANA zone `name` (e.g. Europe/Berlin)."""
    name = (name or "").strip()
    if not is_zone(name):
        raise DomainError(
            f"“{name}” is not a time zone we know; choose one from the list (e.g. Europe/Berlin).",
            field="time_zone",
        )
    user.time_zone = name
    db.session.flush()


def save_settings(user: User, time_zone: str, notified: list[str] | None) -> None:
    """Save the settings page: the time zone and, for staff (`notified` is None for candidates,
    who have no such choice), the notification kinds they want; every other kind is muted."""
    set_time_zone(user, time_zone)
    if notified is not None:
        set_muted(user, [kind for kind in KINDS if kind not in notified])

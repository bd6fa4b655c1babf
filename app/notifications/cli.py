"""`flask notifications sweep`: notify panel members of scorecards due or overdue."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models import now_utc
from app.notifications import operations
from app.scorecards.queries import overdue_hours

notifications_group = AppGroup("notifications", help="Notifications.")


@notifications_group.command("sweep")
def sweep_command() -> None:
    """Notify panel members of scorecards that are due or overdue."""
    sent = operations.sweep_scorecards(now_utc(), overdue_hours(), current_app.config)
    db.session.commit()
    click.echo(f"{sent} notification(s) sent.")

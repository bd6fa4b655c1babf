"""The periodic scorecard sweep on the grading queue (Huey): run by every `flask worker`."""

from __future__ import annotations

from typing import Any

from flask import Flask
from huey import Huey, crontab

from app.extensions import db
from app.models import now_utc
from app.notifications import operations
from app.scorecards.queries import overdue_hours


def init_notification_tasks(app: Flask, huey: Huey) -> Any:
    @huey.periodic_task(crontab(minute="*/5"), name="sweep_scorecard_notifications")
    def sweep_scorecard_notifications() -> int:
        with app.app_context():
            sent = operations.sweep_scorecards(now_utc(), overdue_hours(), app.config)
            db.session.commit()
        return sent

    return sweep_scorecard_notifications

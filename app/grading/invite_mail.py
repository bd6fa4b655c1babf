"""The exercise invite email: rendered from the job's message template, kept in the outbox."""

from __future__ import annotations

from typing import Any

from app import mail
from app.grading.exercises import Exercise
from app.messages import templates as message_templates
from app.models import Assignment, OutboxMessage
from app.timezones import format_in_zone


def mail_exercise_invite(
    config: dict[str, Any], assignment: Assignment, exercise: Exercise, link: str
) -> OutboxMessage:
    """Mail the candidate their invite `link` to `exercise` (flushes, never commits)."""
    candidate = assignment.application.candidate
    zone = candidate.user.time_zone if candidate.user is not None else "UTC"
    subject, body = message_templates.render(
        assignment.application.job,
        "exercise_invite",
        {
            "candidate_name": candidate.name,
            "job_title": assignment.application.job.title,
            "exercise_title": exercise.title,
            "time_box_minutes": str(assignment.time_budget_minutes),
            "start_before": format_in_zone(assignment.open_by, zone, "%d %b %Y %H:%M"),
            "link": link,
        },
    )
    return mail.send(config, candidate.email, subject, body, candidate)

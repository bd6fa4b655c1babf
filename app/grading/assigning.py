"""Assigning an exercise: the assignment, the candidate's invite, the audit row and the mail, as
one workflow (the view parses, calls it and commits)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app import audit
from app.auth import operations as auth_operations
from app.grading import operations
from app.grading.exercises import Exercise
from app.grading.invite_mail import mail_exercise_invite
from app.models import Application, Assignment, OutboxMessage, User


@dataclass(frozen=True)
class Assigned:
    assignment: Assignment
    link: str
    message: OutboxMessage


def assign_and_invite(
    application: Application,
    exercise: Exercise,
    actor: User,
    open_within: timedelta,
    config: dict[str, Any],
    link_for: Callable[[str], str],
) -> Assigned:
    """Assign `exercise`, issue an invite that lives at least as long as the assignment is open,
    audit it and put the invitation mail (with the link `link_for(token)`) in the outbox.
    Raises DomainError; flushes, never commits."""
    candidate = application.candidate
    assignment = operations.assign_exercise(
        application, exercise.id, exercise.time_budget_minutes, actor, open_within
    )
    max_age = max(config["INVITE_MAX_AGE"], open_within)
    _, token = auth_operations.issue_invite(candidate, actor, config["SECRET_KEY"], max_age)
    audit.record(
        "exercise.assigned", candidate_id=candidate.id, target=f"assignment:{assignment.id}"
    )
    link = link_for(token)
    return Assigned(assignment, link, mail_exercise_invite(config, assignment, exercise, link))

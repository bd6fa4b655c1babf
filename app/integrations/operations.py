"""What an ATS connection does: list its tests, order one for a candidate, read its status.

Everything is bounded by the connection's jobs (app/auth/policy.py `ats_jobs`): a test id names
one job and one exercise; a candidate is matched by email only among those jobs' candidates.
Operations flush, never commit; the views commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import audit
from app.auth import operations as auth_operations
from app.auth import policy
from app.errors import DomainError
from app.extensions import db
from app.grading import operations as grading
from app.grading.exercises import Exercise, exercises_in
from app.grading.invite_mail import mail_exercise_invite
from app.integrations.contract import ContractError, SendTest
from app.models import Application, AtsConnection, AtsOrder, Job
from app.pipeline import operations as pipeline
from app.webhooks import destinations

CANDIDATE_SOURCE = "other"  # pipeline.SOURCES has no "ATS"; the audit log names the connection


@dataclass(frozen=True)
class PartnerTest:
    partner_test_id: str
    partner_test_name: str
    job: Job
    exercise: Exercise


def partner_tests(connection: AtsConnection, exercises_dir: Path) -> list[PartnerTest]:
    """One test per (job of the connection, exercise): its id is "<job id>-<exercise slug>"."""
    exercises = exercises_in(exercises_dir)
    return [
        PartnerTest(f"{job.id}-{exercise.id}", f"{exercise.title} ({job.title})", job, exercise)
        for job in policy.ats_jobs(connection)
        for exercise in exercises
    ]


def find_test(connection: AtsConnection, exercises_dir: Path, test_id: str) -> PartnerTest:
    for test in partner_tests(connection, exercises_dir):
        if test.partner_test_id == test_id:
            return test
    raise ContractError(
        404,
        f"partner_test_id '{test_id}' is not a test of this connection: use one that list_tests "
        "returns (a HireLab admin chooses the connection's jobs).",
    )


def existing_order(connection: AtsConnection, order: SendTest) -> AtsOrder | None:
    """The order already placed with this `url`, or None; a different order under the same url
    is refused (the ATS sends a new url for a new test)."""
    found = db.session.scalar(
        select(AtsOrder).where(
            AtsOrder.connection_id == connection.id, AtsOrder.order_key == order.order_key
        )
    )
    if found is not None and found.request_sha256 != order.fingerprint():
        raise ContractError(
            409,
            f"url {order.url} already names another order (partner_interview_id "
            f"{found.partner_interview_id}, a different test or candidate): send a new url for "
            "a new order.",
        )
    return found


def send_test(
    connection: AtsConnection,
    order: SendTest,
    config: dict[str, Any],
    invite_link: Callable[[str], str],
) -> tuple[AtsOrder, bool]:
    """Place `order` (idempotent on its url): match or create the candidate, their application
    and assignment in the test's job, mail them an invite. Returns (order, created)."""
    found = existing_order(connection, order)
    if found is not None:
        return found, False
    test = find_test(connection, config["EXERCISES_DIR"], order.partner_test_id)
    try:
        destinations.checked_address(order.url, unresolvable_ok=True)
    except destinations.DestinationRefused as refused:
        raise ContractError(400, f"url: {refused.message}") from None
    try:
        assignment = _assignment_for(connection, test, order, config)
        _, token = auth_operations.issue_invite(
            assignment.application.candidate,
            None,
            config["SECRET_KEY"],
            config["INVITE_MAX_AGE"],  # as long as the assignment may be opened
        )
    except DomainError as error:
        raise ContractError(409, error.message) from None
    placed = AtsOrder(
        connection=connection,
        partner_interview_id=secrets.token_urlsafe(18),
        partner_test_id=test.partner_test_id,
        order_key=order.order_key,
        request_sha256=order.fingerprint(),
        callback_url=order.url,
        assignment=assignment,
    )
    db.session.add(placed)
    db.session.flush()
    mail_exercise_invite(config, assignment, test.exercise, invite_link(token))
    audit.record(
        "ats.test_sent",
        candidate_id=assignment.application.candidate_id,
        target=f"ats_order:{placed.id}",
        detail=f"ats_connection:{connection.id} assignment:{assignment.id}",
    )
    return placed, True


def _assignment_for(connection: AtsConnection, test: PartnerTest, order: SendTest, config):
    candidate = policy.ats_candidate_by_email(connection, order.email)
    if candidate is None:
        candidate = pipeline.new_candidate(order.name, order.email, CANDIDATE_SOURCE)
        db.session.flush()
    application = db.session.scalar(
        select(Application).where(
            Application.candidate_id == candidate.id, Application.job_id == test.job.id
        )
    )
    if application is None:
        application = pipeline.apply(candidate, test.job, None)
    for assignment in grading.assignments_of(application):
        if assignment.exercise_slug == test.exercise.id:
            return assignment  # the same test ordered again (a re-send): one assignment
    return grading.assign_exercise(
        application,
        test.exercise.id,
        test.exercise.time_budget_minutes,
        None,
        config["INVITE_MAX_AGE"],
    )


def order_for(connection: AtsConnection, partner_interview_id: str) -> AtsOrder:
    """The connection's own order, or a 404 (another connection's order is not found either)."""
    order = order_by_interview_id(partner_interview_id)
    if order is None or not policy.ats_reaches_order(connection, order):
        raise ContractError(
            404,
            f"No test with partner_interview_id '{partner_interview_id}' for this connection: "
            "use the id send_test returned.",
        )
    return order


def order_by_interview_id(partner_interview_id: str) -> AtsOrder | None:
    return db.session.scalar(
        select(AtsOrder).where(AtsOrder.partner_interview_id == partner_interview_id)
    )

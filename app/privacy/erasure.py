"""Erasing a candidate's personal data, on request or by the retention policy. Flushes only.

What goes: name and email (on the candidate and their sign-in account), notes, invites, emails
in the outbox, uploaded and executed notebooks with their grading runs, logs and test output,
their similarity fingerprints and matches (and variant-numbers flags of either side),
the free text of scorecards (notes, amendment reasons) and of stage moves (details after the
reason category), and the voluntary self-identification answers. What stays, detached from any
person: the applications, stage transitions and
`application_stage_stats` rows (so the funnel keeps its anonymous counts), interviews and the
scorecards' levels and recommendations (calibration), and the audit log (ids only).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from app import assessment_upkeep as upkeep
from app import audit
from app.auth.sessions import end_sessions
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Application,
    Assignment,
    Candidate,
    DimensionScore,
    GradingRun,
    GroupScore,
    Invite,
    Note,
    OutboxMessage,
    RedFlag,
    Scorecard,
    Stage,
    StageKind,
    StageTransition,
    Submission,
    TestOutcome,
    User,
    WebhookDelivery,
    now_utc,
)
from app.pipeline.reasons import reason_category
from app.reports import self_id
from app.search import index as search_index
from app.similarity.operations import erase_fingerprints
from app.similarity.variant_numbers import erase_flags

ERASED_DOMAIN = "erased.invalid"


def erase_candidate(candidate: Candidate, actor: User | None, why: str = "request") -> None:
    """Delete or blank every piece of `candidate`'s personal data (see the module docstring)."""
    if candidate.erased_at is not None:
        raise DomainError("This candidate's personal data was already erased.")
    email = candidate.email
    application_ids = select(Application.id).where(Application.candidate_id == candidate.id)
    submission_ids = (
        select(Submission.id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.application_id.in_(application_ids))
    )
    run_ids = select(GradingRun.id).where(GradingRun.submission_id.in_(submission_ids))
    session = db.session
    erase_fingerprints(submission_ids)
    erase_flags(
        submission_ids,
        select(Assignment.id).where(Assignment.application_id.in_(application_ids)),
    )
    session.execute(delete(TestOutcome).where(TestOutcome.run_id.in_(run_ids)))
    session.execute(delete(GroupScore).where(GroupScore.run_id.in_(run_ids)))
    session.execute(delete(RedFlag).where(RedFlag.run_id.in_(run_ids)))
    session.execute(delete(GradingRun).where(GradingRun.id.in_(run_ids)))
    session.execute(delete(Submission).where(Submission.id.in_(submission_ids)))
    session.execute(delete(Note).where(Note.candidate_id == candidate.id))
    session.execute(delete(Invite).where(Invite.candidate_id == candidate.id))
    session.execute(
        delete(OutboxMessage).where(
            (OutboxMessage.candidate_id == candidate.id) | (func.lower(OutboxMessage.to) == email)
        )
    )
    scorecard_ids = select(Scorecard.id).where(Scorecard.application_id.in_(application_ids))
    session.execute(
        update(Scorecard)
        .where(Scorecard.id.in_(scorecard_ids))
        .values(notes="", amendment_reason="", authorship_notes="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(DimensionScore)
        .where(DimensionScore.scorecard_id.in_(scorecard_ids))
        .values(notes="")
        .execution_options(synchronize_session=False)
    )
    self_id.erase_answers(candidate.id)
    upkeep.refresh_candidate(candidate.id)
    _strip_transition_details(candidate.id)
    _strip_webhook_payloads(set(session.scalars(application_ids)))
    candidate.name = f"Erased candidate {candidate.id}"
    candidate.email = f"candidate-{candidate.id}@{ERASED_DOMAIN}"
    candidate.erased_at = now_utc()
    candidate.phone = candidate.location = candidate.links = candidate.tags = ""
    candidate.resume = None
    search_index.refresh(candidate)
    if candidate.user is not None:
        user = candidate.user
        user.name = "Erased candidate"
        user.email = f"user-{user.id}@{ERASED_DOMAIN}"
        user.password_hash = None
        user.active = False
        end_sessions(user)  # every session and API token of the person ends now
    audit.record(
        "candidate.erased",
        candidate_id=candidate.id,
        target=f"candidate:{candidate.id}",
        detail=why,
        actor=actor,
    )
    session.flush()
    session.expire_all()  # bulk statements above bypassed the identity map


def _strip_transition_details(candidate_id: int) -> None:
    """Keep a move's reason category (the funnel's drop-off reads it), drop the free text."""
    transitions = db.session.scalars(
        select(StageTransition)
        .join(Application, Application.id == StageTransition.application_id)
        .where(Application.candidate_id == candidate_id, StageTransition.reason != "")
        .options(db.joinedload(StageTransition.to_stage))
    )
    for transition in transitions:
        closing = transition.to_stage.kind.is_terminal
        transition.reason = reason_category(transition.reason) if closing else ""


def _strip_webhook_payloads(application_ids: set[int]) -> None:
    """Queued and logged webhook payloads carry ids, plus a stage move's reason: keep only its
    category, as on the transition itself."""
    deliveries = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event == "stage.changed")
    )
    for delivery in deliveries:
        data = dict(delivery.payload.get("data") or {})
        if data.get("application_id") not in application_ids or not data.get("reason"):
            continue
        kind = (data.get("to_stage") or {}).get("kind")
        data["reason"] = reason_category(data["reason"]) if kind != "normal" else ""
        delivery.payload = {**delivery.payload, "data": data}


def candidates_past_retention(days: int, now: datetime | None = None) -> list[Candidate]:
    """Candidates not yet erased whose every application closed (hired, rejected, withdrawn)
    more than `days` days ago."""
    cutoff = (now or now_utc()) - timedelta(days=days)
    open_or_recent = (
        select(Application.candidate_id)
        .join(Stage, Stage.id == Application.stage_id)
        .where(
            (Stage.kind == StageKind.NORMAL) | (Application.stage_entered_at >= cutoff),
        )
    )
    return list(
        db.session.scalars(
            select(Candidate)
            .where(
                Candidate.erased_at.is_(None),
                Candidate.id.in_(select(Application.candidate_id)),
                Candidate.id.not_in(open_or_recent),
            )
            .order_by(Candidate.id)
        )
    )

"""Scheduling interviews, writing scorecards, amending them and deciding after a debrief.

Operations take plain values, raise DomainError, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import assessment_upkeep as upkeep
from app import audit
from app.errors import DomainError, DomainErrors
from app.extensions import db
from app.models import (
    Application,
    DimensionScore,
    Interview,
    InterviewAssignment,
    Role,
    Scorecard,
    ScorecardStatus,
    Stage,
    StageTransition,
    User,
    now_utc,
)
from app.pipeline import operations as pipeline_operations
from app.scorecards.kits import Kit
from app.scorecards.rubrics import Rubric
from app.scorecards.scheduling import clean_place
from app.scorecards.scheduling import invite as mail_invites
from app.webhooks import events as webhook_events

MAX_NOTES = 10_000
AUTHORSHIP = {
    "clear": "Explained their own work clearly, including the why behind it",
    "partial": "Explained some parts, unsure about others",
    "unclear": "Could not explain their own work",
}


@dataclass(frozen=True)
class ScorecardInput:
    """What an interviewer entered: level keys and notes per dimension, ticked signals, verdict."""

    levels: dict[str, str | None] = field(default_factory=dict)
    dimension_notes: dict[str, str] = field(default_factory=dict)
    signals: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    recommendation: str | None = None
    notes: str = ""
    authorship: str | None = None
    authorship_notes: str = ""


def schedule_interview(
    application: Application,
    stage: Stage,
    kit: Kit,
    interviewers: list[User],
    scheduled_at: datetime,
    actor: User | None,
    duration_minutes: int | None = None,
    location: str = "",
    video_url: str = "",
    invite_with: dict[str, Any] | None = None,
) -> Interview:
    """Schedule an interview of an application with a kit and a panel of staff, in a room
    (`location`) and/or over a video link. Given the app's config (`invite_with`), the calendar
    invites (.ics) for the candidate and the panel go in the outbox too."""
    if stage.job_id != application.job_id:
        raise DomainError("That stage belongs to another job.", field="stage")
    if stage.kind.is_terminal:
        raise DomainError(f"Interviews cannot be held in {stage.name}.", field="stage")
    if application.stage.kind.is_terminal:
        raise DomainError(f"The application is closed ({application.stage.name}); reopen it first.")
    if not interviewers:
        raise DomainError("Choose at least one interviewer.", field="interviewers")
    for user in interviewers:
        if user.role is not Role.INTERVIEWER or not user.active:
            raise DomainError(
                f"{user.name} cannot sit on a panel (only active interviewers score candidates).",
                field="interviewers",
            )
    if scheduled_at.tzinfo is None:
        raise ValueError("scheduled_at must be timezone-aware")
    location, video_url = clean_place(location, video_url)
    interview = Interview(
        application=application,
        stage=stage,
        kit_id=kit.id,
        kit_title=kit.title,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes or kit.duration_minutes,
        scheduled_by=actor,
        location=location,
        video_url=video_url,
    )
    seen: set[int] = set()
    for user in interviewers:
        if user.id not in seen:
            seen.add(user.id)
            interview.panel.append(InterviewAssignment(interviewer=user))
    db.session.add(interview)
    db.session.flush()
    if invite_with is not None:
        mail_invites(interview, invite_with)
    return interview


def latest_version(interview: Interview, interviewer: User) -> Scorecard | None:
    return db.session.scalar(
        select(Scorecard)
        .where(Scorecard.interview_id == interview.id, Scorecard.interviewer_id == interviewer.id)
        .order_by(Scorecard.version.desc())
        .limit(1)
    )


def _require_panel(interview: Interview, interviewer: User) -> None:
    if not any(a.interviewer_id == interviewer.id for a in interview.panel):
        raise DomainError("You are not on this interview's panel.")


def _draft_for(interview: Interview, interviewer: User, rubric: Rubric, kit: Kit) -> Scorecard:
    """The interviewer's open draft, or a new version 1 snapshotting the rubric and kit."""
    _require_panel(interview, interviewer)
    latest = latest_version(interview, interviewer)
    if latest is not None:
        if latest.status is ScorecardStatus.SUBMITTED:
            raise DomainError("This scorecard is already submitted; amend it to change it.")
        return latest
    if kit.rubric_id != rubric.id:
        raise ValueError(f"kit {kit.id} is for rubric {kit.rubric_id}, not {rubric.id}")
    scorecard = Scorecard(
        interview=interview,
        interviewer=interviewer,
        application_id=interview.application_id,
        version=1,
        status=ScorecardStatus.DRAFT,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_snapshot=rubric.to_snapshot(),
        kit_snapshot=kit.to_snapshot(),
        signals=[],
        red_flags=[],
    )
    db.session.add(scorecard)
    return scorecard


def _apply(scorecard: Scorecard, data: ScorecardInput) -> None:
    """Validate `data` against the scorecard's own rubric snapshot and write it."""
    rubric = Rubric.from_snapshot(scorecard.rubric_snapshot)
    covered = scorecard.kit_snapshot["dimensions"]
    signal_keys = {s.key for s in (*rubric.strong_signals, *rubric.weak_signals)}
    flag_keys = {s.key for s in rubric.red_flags}
    for key in data.signals:
        if key not in signal_keys:
            raise DomainError(f"Unknown signal {key!r}.", field="signals")
    for key in data.red_flags:
        if key not in flag_keys:
            raise DomainError(f"Unknown red flag {key!r}.", field="red_flags")
    if data.recommendation and rubric.recommendation(data.recommendation) is None:
        raise DomainError("Choose a recommendation from the list.", field="recommendation")
    if len(data.notes) > MAX_NOTES:
        raise DomainError(f"Keep the notes under {MAX_NOTES} characters.", field="notes")
    if data.authorship and data.authorship not in AUTHORSHIP:
        raise DomainError("Choose how well they explained their work.", field="authorship")
    if len(data.authorship_notes) > MAX_NOTES:
        raise DomainError(f"Keep the notes under {MAX_NOTES} characters.", field="authorship_notes")
    for key in covered:
        dimension = rubric.dimension(key)
        level_key = data.levels.get(key) or None
        level = dimension.level(level_key) if level_key else None
        if level_key and level is None:
            raise DomainError(f"Choose a level for {dimension.title}.", field=f"level_{key}")
        notes = (data.dimension_notes.get(key) or "").strip()
        if len(notes) > MAX_NOTES:
            raise DomainError(f"Keep the notes under {MAX_NOTES} characters.", f"notes_{key}")
        row = scorecard.score_for(key)
        if row is None:
            row = DimensionScore(dimension=key)
            scorecard.scores.append(row)
        row.level = level.key if level else None
        row.value = level.value if level else None
        row.notes = notes
    scorecard.signals = list(dict.fromkeys(data.signals))
    scorecard.red_flags = list(dict.fromkeys(data.red_flags))
    scorecard.recommendation = data.recommendation or None
    scorecard.notes = data.notes.strip()
    scorecard.authorship = data.authorship or None
    scorecard.authorship_notes = data.authorship_notes.strip()
    scorecard.updated_at = now_utc()


def save_draft(
    interview: Interview, interviewer: User, data: ScorecardInput, rubric: Rubric, kit: Kit
) -> Scorecard:
    """Save the interviewer's scorecard as a draft (incomplete is fine)."""
    scorecard = _draft_for(interview, interviewer, rubric, kit)
    _apply(scorecard, data)
    db.session.flush()
    return scorecard


def submit(
    interview: Interview, interviewer: User, data: ScorecardInput, rubric: Rubric, kit: Kit
) -> Scorecard:
    """Submit the scorecard: every covered dimension scored and a recommendation given. Final.

    Only from the interview's start (drafts may be saved any time); every gap is reported at once.
    """
    now = now_utc()
    if interview.cancelled_at is not None:
        raise DomainError("This interview was cancelled; there is nothing to score.")
    if interview.scheduled_at > now:
        raise DomainError(
            "The interview has not started yet: save a draft now and submit from "
            f"{interview.scheduled_at:%Y-%m-%d %H:%M} UTC.",
        )
    scorecard = _draft_for(interview, interviewer, rubric, kit)
    _apply(scorecard, data)
    snapshot = Rubric.from_snapshot(scorecard.rubric_snapshot)
    gaps: list[DomainError] = []
    for key in scorecard.kit_snapshot["dimensions"]:
        row = scorecard.score_for(key)
        if row is None or row.level is None:
            title = snapshot.dimension(key).title
            gaps.append(
                DomainError(
                    f"Score {title} (choose 'No evidence' if the interview did not cover it).",
                    field=f"level_{key}",
                )
            )
    if scorecard.recommendation is None:
        gaps.append(DomainError("Give an overall recommendation.", field="recommendation"))
    if gaps:
        raise gaps[0] if len(gaps) == 1 else DomainErrors(gaps)
    scorecard.status = ScorecardStatus.SUBMITTED
    scorecard.submitted_at = now
    if scorecard.amends is not None:
        scorecard.amends.superseded_at = now
    audit.record(
        "scorecard.submitted",
        candidate_id=interview.application.candidate_id,
        target=f"scorecard:{scorecard.id}",
        detail=f"interview:{interview.id} version {scorecard.version}",
        actor=interviewer,
    )
    db.session.flush()
    upkeep.refresh_ratings(scorecard.application_id)
    webhook_events.scorecard_submitted(scorecard)
    return scorecard


def amend(scorecard: Scorecard, actor: User, reason: str) -> Scorecard:
    """Open a new draft version of a submitted scorecard; the submitted one stays in history and
    stays in effect until the amendment is submitted."""
    if scorecard.interviewer_id != actor.id:
        raise DomainError("Only the interviewer who wrote a scorecard can amend it.")
    if scorecard.status is not ScorecardStatus.SUBMITTED or scorecard.superseded_at is not None:
        raise DomainError("Only the current submitted version can be amended.")
    latest = latest_version(scorecard.interview, actor)
    if latest is not None and latest.id != scorecard.id:
        raise DomainError("An amendment is already open; finish or submit it.")
    if not reason.strip():
        raise DomainError("Say why you amend the scorecard.", field="reason")
    scores = [
        DimensionScore(dimension=s.dimension, level=s.level, value=s.value, notes=s.notes)
        for s in scorecard.scores
    ]
    draft = Scorecard(
        interview=scorecard.interview,
        interviewer=actor,
        application_id=scorecard.application_id,
        version=scorecard.version + 1,
        status=ScorecardStatus.DRAFT,
        rubric_id=scorecard.rubric_id,
        rubric_version=scorecard.rubric_version,
        rubric_snapshot=scorecard.rubric_snapshot,
        kit_snapshot=scorecard.kit_snapshot,
        signals=list(scorecard.signals),
        red_flags=list(scorecard.red_flags),
        recommendation=scorecard.recommendation,
        notes=scorecard.notes,
        authorship=scorecard.authorship,
        authorship_notes=scorecard.authorship_notes,
        amends=scorecard,
        amendment_reason=reason.strip(),
        scores=scores,
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def next_stage(application: Application) -> Stage:
    """The stage after the current one in the job's plan (terminal exits excluded)."""
    current = application.stage
    if current.kind.is_terminal:
        raise DomainError(f"The application is closed ({current.name}).")
    following = pipeline_operations.following_stage(application)
    if following is None:
        raise DomainError(f"{current.name} is the last stage.")
    return following


def decide(
    application: Application, advance: bool, reason: str, details: str, actor: User
) -> StageTransition:
    """The debrief decision: advance to the next stage, or reject with a listed reason (the
    pipeline's operations make the move)."""
    if advance:
        return pipeline_operations.move(
            application, next_stage(application), actor, reason=details.strip()
        )
    if application.stage.kind.is_terminal:
        raise DomainError(f"The application is closed ({application.stage.name}).")
    return pipeline_operations.reject(application, reason, details, actor)

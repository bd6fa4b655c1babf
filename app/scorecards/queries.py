"""Read-only queries: interviewer queues, overdue scorecards, history and the debrief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Exists, and_, exists, select

from app.auth import independence, policy
from app.extensions import db
from app.grading.queries import Evidence, evidence_by_dimension
from app.models import (
    Application,
    Interview,
    InterviewAssignment,
    Job,
    Scorecard,
    ScorecardStatus,
    User,
)
from app.scorecards.catalog import catalog
from app.scorecards.kits import Kit
from app.scorecards.rubrics import Dimension, Rubric, Signal
from app.scorecards.source import RubricError


def overdue_hours() -> int:
    """Hours after an interview before a missing scorecard is overdue (SCORECARD_OVERDUE_HOURS)."""
    return current_app.config["SCORECARD_OVERDUE_HOURS"]


def interviewer_home(user: User, now: datetime) -> dict[str, object]:
    """What an interviewer's home page shows: their queue and their overdue scorecards."""
    hours = overdue_hours()
    return {
        "queue": interviewer_queue(user, now, hours),
        "overdue": overdue(now, hours, interviewer=user),
        "overdue_hours": hours,
    }


def rubric_and_kit(interview: Interview, scorecard: Scorecard | None) -> tuple[Rubric, Kit]:
    """The rubric and kit a scorecard is filled against: its snapshot once it exists, else the
    installed files."""
    if scorecard is not None:
        return (
            Rubric.from_snapshot(scorecard.rubric_snapshot),
            Kit.from_snapshot(scorecard.kit_snapshot),
        )
    installed = catalog()
    kit = installed.kit(interview.kit_id)
    return installed.rubric(kit.rubric_id), kit


def history(interview_id: int, interviewer_id: int) -> list[Scorecard]:
    """Every version an interviewer wrote for an interview, oldest first."""
    return list(
        db.session.scalars(
            select(Scorecard)
            .where(
                Scorecard.interview_id == interview_id, Scorecard.interviewer_id == interviewer_id
            )
            .order_by(Scorecard.version)
        )
    )


def _submitted_by(interviewer_id_column: Any) -> Exists:
    """A scorecard was submitted for the assignment's interview by this interviewer column."""
    return exists().where(
        and_(
            Scorecard.interview_id == InterviewAssignment.interview_id,
            Scorecard.interviewer_id == interviewer_id_column,
            Scorecard.status == ScorecardStatus.SUBMITTED,
        )
    )


@dataclass(frozen=True)
class QueueItem:
    interview: Interview
    latest: Scorecard | None  # the interviewer's newest version
    state: str  # upcoming, to score, draft, overdue, submitted, amending, cancelled


def interviewer_queue(user: User, now: datetime, overdue_hours: int) -> list[QueueItem]:
    """The interviews `user` is on, newest first, with the state of their scorecard."""
    interviews = db.session.scalars(
        select(Interview)
        .join(InterviewAssignment, InterviewAssignment.interview_id == Interview.id)
        .where(InterviewAssignment.interviewer_id == user.id)
        .options(db.joinedload(Interview.application).joinedload(Application.candidate))
        .order_by(Interview.scheduled_at.desc())
    ).unique()
    latest = {
        card.interview_id: card
        for card in db.session.scalars(
            select(Scorecard).where(Scorecard.interviewer_id == user.id).order_by(Scorecard.version)
        )
    }
    items = []
    for interview in interviews:
        card = latest.get(interview.id)
        if card is not None and card.is_submitted:
            state = "submitted"
        elif card is not None and card.amends_id is not None:
            state = "amending"
        elif interview.cancelled_at is not None:
            state = "cancelled"
        elif interview.scheduled_at > now:
            state = "upcoming"
        elif interview.scheduled_at < now - timedelta(hours=overdue_hours):
            state = "overdue"
        else:
            state = "draft" if card is not None else "to score"
        items.append(QueueItem(interview, card, state))
    return items


@dataclass(frozen=True)
class Overdue:
    interview: Interview
    interviewer: User
    hours_since: float  # hours since the interview was scheduled to start


def overdue(
    now: datetime, hours: int, interviewer: User | None = None, recruiter: User | None = None
) -> list[Overdue]:
    """Panel seats whose interview ended more than `hours` ago with no submitted scorecard
    (of one interviewer's seats, or of the jobs a recruiter works on)."""
    cutoff = now - timedelta(hours=hours)
    query = (
        select(Interview, User)
        .join(InterviewAssignment, InterviewAssignment.interview_id == Interview.id)
        .join(User, User.id == InterviewAssignment.interviewer_id)
        .where(
            Interview.scheduled_at < cutoff,
            Interview.cancelled_at.is_(None),
            ~_submitted_by(InterviewAssignment.interviewer_id),
        )
        .options(db.joinedload(Interview.application).joinedload(Application.candidate))
        .order_by(Interview.scheduled_at, User.name)
    )
    if interviewer is not None:
        query = query.where(InterviewAssignment.interviewer_id == interviewer.id)
    if recruiter is not None:
        query = query.where(Interview.application_id.in_(_applications_of_jobs(recruiter)))
    return [
        Overdue(interview, user, (now - interview.scheduled_at).total_seconds() / 3600)
        for interview, user in db.session.execute(query).unique()
    ]


def _applications_of_jobs(recruiter: User):
    """The applications of the jobs `recruiter` works on (app/auth/policy.py)."""
    return (
        select(Application.id)
        .join(Job, Job.id == Application.job_id)
        .where(policy.job_filter(recruiter))
    )


def upcoming(now: datetime, recruiter: User, limit: int = 100) -> list[Interview]:
    """The next interviews of the jobs `recruiter` works on (all jobs for admins)."""
    return list(
        db.session.scalars(
            select(Interview)
            .where(
                Interview.scheduled_at >= now,
                Interview.cancelled_at.is_(None),
                Interview.application_id.in_(_applications_of_jobs(recruiter)),
            )
            .options(db.joinedload(Interview.application).joinedload(Application.candidate))
            .order_by(Interview.scheduled_at)
            .limit(limit)
        ).unique()
    )


def application_interviews(application: Application) -> list[Interview]:
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.application_id == application.id)
            .order_by(Interview.scheduled_at)
        )
    )


def effective_scorecards(application: Application) -> list[Scorecard]:
    """Submitted, not superseded scorecards of an application, plus every open draft
    (callers filter with the independence rule)."""
    return list(
        db.session.scalars(
            select(Scorecard)
            .where(
                Scorecard.application_id == application.id,
                Scorecard.superseded_at.is_(None),
            )
            .options(db.selectinload(Scorecard.scores))
            .order_by(Scorecard.interview_id, Scorecard.interviewer_id, Scorecard.version)
        )
    )


@dataclass(frozen=True)
class DebriefCell:
    scorecard: Scorecard
    level: str | None
    label: str
    notes: str


@dataclass(frozen=True)
class DebriefRow:
    dimension: Dimension
    cells: list[DebriefCell | None]  # one per column; None when that scorecard did not cover it
    evidence: list[Evidence]


@dataclass(frozen=True)
class Debrief:
    application: Application
    rubric: Rubric | None
    columns: list[Scorecard]  # the submitted scorecards the viewer may read
    rows: list[DebriefRow]
    red_flags: list[tuple[Scorecard, Signal]]
    pending: list[tuple[Interview, User]]  # panel seats without a submitted scorecard
    hidden: bool  # others' scorecards exist but the viewer must submit their own first
    viewer_unscored: list[Interview]


def debrief(application: Application, viewer: User) -> Debrief:
    """Every dimension with all readable scores side by side and the auto-grading evidence."""
    cards = effective_scorecards(application)
    readable = independence.visible(viewer, cards)
    columns = [card for card in readable if card.is_submitted]
    # Show each scorecard as it was scored; the dimensions come from the installed rubric when
    # available so every dimension has a row, else from the first snapshot.
    rubric: Rubric | None = None
    if columns:
        rubric = Rubric.from_snapshot(columns[-1].rubric_snapshot)
    else:
        try:
            installed = catalog()
            kit_ids = {i.kit_id for i in application_interviews(application)}
            rubric_ids = {installed.kits[k].rubric_id for k in kit_ids if k in installed.kits}
            rubric = installed.rubric(rubric_ids.pop()) if len(rubric_ids) == 1 else None
        except RubricError:  # a broken rubric file must not hide the debrief
            rubric = None
    evidence = evidence_by_dimension(application)
    snapshots = {card.id: Rubric.from_snapshot(card.rubric_snapshot) for card in columns}
    rows = []
    for dimension in rubric.dimensions if rubric else ():
        cells: list[DebriefCell | None] = []
        for card in columns:
            snapshot = snapshots[card.id]
            score = card.score_for(dimension.key)
            if score is None:
                cells.append(None)
                continue
            try:
                level = snapshot.dimension(dimension.key).level(score.level or "")
            except KeyError:
                level = None
            cells.append(DebriefCell(card, score.level, level.label if level else "—", score.notes))
        rows.append(DebriefRow(dimension, cells, evidence.get(dimension.key, [])))
    red_flags = [
        (card, signal)
        for card in columns
        for signal in snapshots[card.id].red_flags
        if signal.key in card.red_flags
    ]
    sees_others = independence.may_see_others(viewer, application.candidate_id)
    # An amendment in progress leaves the submitted version in effect, so a seat counts as
    # submitted when any of its non-superseded versions is.
    submitted_seats = {(c.interview_id, c.interviewer_id) for c in cards if c.is_submitted}
    pending = [
        (interview, seat.interviewer)
        for interview in application_interviews(application)
        for seat in interview.panel
        if (interview.id, seat.interviewer_id) not in submitted_seats
    ]
    if not sees_others:  # who has or has not submitted is the others' business too
        pending = [(i, u) for i, u in pending if u.id == viewer.id]
    hidden = not sees_others
    viewer_unscored = (
        []
        if independence.sees_all(viewer)
        else independence.unscored_interviews(viewer, application.candidate_id)
    )
    return Debrief(application, rubric, columns, rows, red_flags, pending, hidden, viewer_unscored)


def dimension_titles() -> dict[str, str]:
    """Every installed rubric dimension's title by key (pages show names, not ids)."""
    return {d.key: d.title for rubric in catalog().rubrics.values() for d in rubric.dimensions}


def reachable_interviews(
    viewer: User, application: Application
) -> list[tuple[Interview, Scorecard | None]]:
    """The application's interviews `viewer` may open, each with the viewer's latest scorecard."""
    result = []
    for interview in application_interviews(application):
        if policy.can_view_interview(viewer, interview):
            mine = db.session.scalar(
                select(Scorecard)
                .where(
                    Scorecard.interview_id == interview.id, Scorecard.interviewer_id == viewer.id
                )
                .order_by(Scorecard.version.desc())
                .limit(1)
            )
            result.append((interview, mine))
    return result

"""Read-only queries for pipeline pages: the jobs list, the board, stage lists, profiles."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, union_all

from app.auth.policy import job_filter
from app.extensions import db
from app.grading.queries import latest_graded_scores
from app.models import (
    Application,
    Assignment,
    Candidate,
    GradingRun,
    Interview,
    InterviewAssignment,
    Job,
    Note,
    Scorecard,
    ScorecardStatus,
    Stage,
    Submission,
    User,
    now_utc,
)
from app.search import index as search_index
from app.search.filters import CandidateFilter, application_clause

BOARD_COLUMN_CAP = 20  # cards per column (the longest-waiting); the stage list pages the rest
STAGE_PAGE_SIZE = 100


@dataclass(frozen=True)
class Column:
    stage: Stage
    total: int
    stale: int
    cards: list[Card]

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)


@dataclass(frozen=True)
class StagePage:
    stage: Stage
    total: int
    page: int
    pages: int
    cards: list[Card]


def jobs_with_counts(user: User) -> list[tuple[Job, int]]:
    """The jobs `user` recruits for (app/auth/policy.py), newest first, with applications."""
    rows = db.session.execute(
        select(Job, func.count(Application.id))
        .where(job_filter(user))
        .outerjoin(Application, Application.job_id == Job.id)
        .group_by(Job.id)
        .order_by(Job.created_at.desc())
    )
    return [(job, count) for job, count in rows]


def applications_by_stage(job: Job) -> dict[int, list[Application]]:
    applications = db.session.scalars(
        select(Application)
        .where(Application.job_id == job.id)
        .options(db.joinedload(Application.candidate))
        .order_by(Application.stage_entered_at)
    )
    grouped: dict[int, list[Application]] = {stage.id: [] for stage in job.stages}
    for application in applications:
        grouped[application.stage_id].append(application)
    return grouped


def _card_query(
    job: Job, stage: Stage, chosen: CandidateFilter | None = None
) -> Select[int, int, str, str, str, datetime]:
    # Open stages show the longest-waiting first; closed ones (Hired, Rejected…) the latest moves.
    entered = Application.stage_entered_at
    return (
        select(
            Application.id,
            Application.candidate_id,
            Candidate.name,
            Candidate.email,
            Candidate.source,
            entered,
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.job_id == job.id, Application.stage_id == stage.id)
        .where(*_filter_clauses(chosen))
        .order_by(entered.desc() if stage.kind.is_terminal else entered, Application.id)
    )


def _filter_clauses(chosen: CandidateFilter | None) -> list[ColumnElement[bool]]:
    """The board's filters as WHERE clauses on Application joined to Candidate."""
    if chosen is None or not chosen.active:
        return []
    clauses = [application_clause(chosen)]
    if chosen.query:
        clauses.append(search_index.matches(chosen.query))
    return clauses


@dataclass(frozen=True)
class CardFacts:
    """What a card shows that does not depend on the clock (app/pipeline/board_cache.py keeps
    these per board revision; `at` adds the days in stage and staleness of the moment)."""

    application_id: int
    candidate_id: int
    name: str
    email: str
    source: str
    stage_entered_at: datetime
    score: float | None
    max_score: float | None
    scorecards_submitted: int | None
    scorecards_expected: int | None
    red_flags: int

    def moment(self, now: datetime, stale_after: timedelta, terminal: bool) -> tuple[int, bool]:
        """What the clock adds at `now`: whole days in the stage, and whether the card is stale."""
        waited = now - self.stage_entered_at
        return waited.days, not terminal and waited > stale_after

    def at(self, now: datetime, stale_after: timedelta, terminal: bool) -> Card:
        days, stale = self.moment(now, stale_after, terminal)
        facts = {f.name: getattr(self, f.name) for f in fields(CardFacts)}
        return Card(**facts, days_in_stage=days, stale=stale)


@dataclass(frozen=True)
class Card(CardFacts):
    """A card as shown at one moment: its facts, the days in its stage and whether it is stale."""

    days_in_stage: int
    stale: bool


def card_facts(rows_by_stage: Sequence[tuple[Stage, Sequence[Any]]]) -> list[list[CardFacts]]:
    """Each stage's card rows with scores, scorecard counts and red flags, fetched once for all."""
    ids = [row[0] for _, rows in rows_by_stage for row in rows]
    scores = grading_scores(ids)
    scorecards = scorecard_counts(ids)
    flags = red_flag_counts(ids)
    result = []
    for _, rows in rows_by_stage:
        facts = []
        for application_id, candidate_id, name, email, source, entered in rows:
            score = scores.get(application_id)
            submitted, expected = scorecards.get(application_id, (None, None))
            facts.append(
                CardFacts(
                    application_id,
                    candidate_id,
                    name,
                    email,
                    source,
                    entered,
                    score[0] if score else None,
                    score[1] if score else None,
                    submitted,
                    expected,
                    flags.get(application_id, 0),
                )
            )
        result.append(facts)
    return result


def _cards(rows_by_stage: Sequence[tuple[Stage, Sequence[Any]]], job: Job) -> list[list[Card]]:
    """Cards for each stage's rows, as of now."""
    now = now_utc()
    stale_after = timedelta(days=job.stale_after_days)
    return [
        [fact.at(now, stale_after, stage.kind.is_terminal) for fact in facts]
        for (stage, _), facts in zip(rows_by_stage, card_facts(rows_by_stage), strict=True)
    ]


def first_rows(
    job: Job, stages: list[Stage], cap: int, chosen: CandidateFilter | None
) -> list[tuple[Stage, list[Any]]]:
    """The first `cap` card rows of every stage in `stages`, in one statement: a UNION ALL of each
    stage's capped query, so each branch still walks the (job, stage, entered) index for `cap`
    rows (a window function over the job would read every application of the job)."""
    found: dict[int, list[Any]] = {stage.id: [] for stage in job.stages}
    if stages:
        branches = [
            select(
                _card_query(job, stage, chosen)
                .add_columns(Application.stage_id)
                .limit(cap)
                .subquery()
            )
            for stage in stages
        ]
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        for row in db.session.execute(statement):
            found[row[-1]].append(tuple(row[:-1]))
    # A union keeps no order: sort each column again as _card_query does (at most `cap` rows).
    for stage in stages:
        newest_first = stage.kind.is_terminal
        found[stage.id].sort(
            key=lambda row: (-row[5].timestamp() if newest_first else row[5].timestamp(), row[0])
        )
    return [(stage, found[stage.id]) for stage in job.stages]


def board(job: Job, cap: int | None = None, chosen: CandidateFilter | None = None) -> list[Column]:
    """Every stage of the job with its count, stale count and first `cap` cards (of the
    applications matching `chosen`, when given)."""
    cap = cap or BOARD_COLUMN_CAP
    filtered = _filter_clauses(chosen)
    stale_before = now_utc() - timedelta(days=job.stale_after_days)
    counting = select(
        Application.stage_id,
        func.count(),
        func.sum(case((Application.stage_entered_at < stale_before, 1), else_=0)),
    )
    if filtered:  # the filters read the candidate; unfiltered, the index alone answers
        counting = counting.join(Candidate, Candidate.id == Application.candidate_id)
    counts = {
        stage_id: (total, stale or 0)
        for stage_id, total, stale in db.session.execute(
            counting.where(Application.job_id == job.id, *filtered).group_by(Application.stage_id)
        )
    }
    rows_by_stage = first_rows(job, [s for s in job.stages if s.id in counts], cap, chosen)
    return [
        Column(
            stage=stage,
            total=counts.get(stage.id, (0, 0))[0],
            stale=0 if stage.kind.is_terminal else counts.get(stage.id, (0, 0))[1],
            cards=cards,
        )
        for (stage, _), cards in zip(rows_by_stage, _cards(rows_by_stage, job), strict=True)
    ]


def stage_page(job: Job, stage: Stage, page: int, per_page: int | None = None) -> StagePage:
    """One page of a stage's candidates, in the board's order."""
    per_page = per_page or STAGE_PAGE_SIZE
    total = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.job_id == job.id, Application.stage_id == stage.id)
    )
    pages = max(1, math.ceil((total or 0) / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        _card_query(job, stage).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return StagePage(stage, total or 0, page, pages, _cards([(stage, list(rows))], job)[0])


def grading_scores(application_ids: list[int]) -> dict[int, tuple[float, float]]:
    """The latest graded score per application, summed over its exercises: (score, max)."""
    if not application_ids:
        return {}
    totals: dict[int, tuple[float, float]] = {}
    for application_id, score, max_score in latest_graded_scores(application_ids):
        if score is not None and max_score:
            total, most = totals.get(application_id, (0.0, 0.0))
            totals[application_id] = (total + score, most + max_score)
    return totals


def scorecard_counts(application_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per application with interviews: (scorecards submitted, scorecards expected).

    Expected: one per interviewer on each interview's panel; submitted: panel seats with a
    submitted scorecard (amendments of one scorecard count once).
    """
    if not application_ids:
        return {}
    expected = dict(
        db.session.execute(
            select(Interview.application_id, func.count(InterviewAssignment.id))
            .join(InterviewAssignment, InterviewAssignment.interview_id == Interview.id)
            .where(Interview.application_id.in_(application_ids))
            .group_by(Interview.application_id)
        ).all()
    )
    seats = (
        select(Scorecard.application_id, Scorecard.interview_id, Scorecard.interviewer_id)
        .where(
            Scorecard.application_id.in_(application_ids),
            Scorecard.status == ScorecardStatus.SUBMITTED,
        )
        .distinct()
        .subquery()
    )
    submitted: dict[int, int] = dict(
        db.session.execute(
            select(seats.c.application_id, func.count()).group_by(seats.c.application_id)
        ).all()
    )
    return {
        application_id: (submitted.get(application_id, 0), count)
        for application_id, count in expected.items()
    }


def red_flag_counts(application_ids: list[int]) -> dict[int, int]:
    """Per application: red flags ticked on its scorecards in effect (submitted, not amended)."""
    if not application_ids:
        return {}
    counts: dict[int, int] = {}
    for application_id, flags in db.session.execute(
        select(Scorecard.application_id, Scorecard.red_flags).where(
            Scorecard.application_id.in_(application_ids),
            Scorecard.status == ScorecardStatus.SUBMITTED,
            Scorecard.superseded_at.is_(None),
        )
    ):
        counts[application_id] = counts.get(application_id, 0) + len(flags or [])
    return {key: value for key, value in counts.items() if value}


@dataclass(frozen=True)
class SubmissionScore:
    submission_id: int
    exercise_slug: str
    filename: str
    submitted_at: datetime
    status: str
    score: float | None
    max_score: float | None


def submissions_with_scores(application_ids: list[int]) -> dict[int, list[SubmissionScore]]:
    """Every submission of the applications, newest first, with its latest run's outcome."""
    if not application_ids:
        return {}
    # Only these applications' runs are grouped, not the whole table (92 ms at 80,000 runs).
    latest_run = (
        select(func.max(GradingRun.id).label("run_id"), GradingRun.submission_id)
        .join(Submission, Submission.id == GradingRun.submission_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.application_id.in_(application_ids))
        .group_by(GradingRun.submission_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Assignment.application_id,
            Submission.id,
            Assignment.exercise_slug,
            Submission.filename,
            Submission.submitted_at,
            GradingRun.status,
            GradingRun.score,
            GradingRun.max_score,
        )
        .join(Submission, Submission.assignment_id == Assignment.id)
        .outerjoin(latest_run, latest_run.c.submission_id == Submission.id)
        .outerjoin(GradingRun, GradingRun.id == latest_run.c.run_id)
        .where(Assignment.application_id.in_(application_ids))
        .order_by(Submission.submitted_at.desc())
    )
    result: dict[int, list[SubmissionScore]] = {}
    for application_id, submission_id, slug, filename, at, status, score, max_score in rows:
        result.setdefault(application_id, []).append(
            SubmissionScore(
                submission_id,
                slug,
                filename,
                at,
                status.value if status else "not graded",
                score,
                max_score,
            )
        )
    return result


def notes(candidate: Candidate) -> list[Note]:
    return list(
        db.session.scalars(
            select(Note)
            .where(Note.candidate_id == candidate.id)
            .options(db.joinedload(Note.author))
            .order_by(Note.at.desc(), Note.id.desc())
        )
    )


def job_candidates_rows(job: Job) -> Iterable[tuple[str, str, str, str, datetime, datetime]]:
    """Every application of the job for the CSV export: name, email, source, stage, dates."""
    return db.session.execute(
        select(
            Candidate.name,
            Candidate.email,
            Candidate.source,
            Stage.name,
            Application.applied_at,
            Application.stage_entered_at,
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Stage, Stage.id == Application.stage_id)
        .where(Application.job_id == job.id)
        .order_by(Stage.position, Application.stage_entered_at, Application.id)
    )

"""Filters shared by the candidate search page and the board: parsed once from query args."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from app.extensions import db
from app.models import (
    Application,
    Assignment,
    Candidate,
    GradingRun,
    Job,
    RunStatus,
    Stage,
    StageKind,
    Submission,
    now_utc,
)

FLAGS = {"stale": "Stale (waiting too long)", "ungraded": "Take-home not graded yet"}
MAX_DAYS = 3650


@dataclass(frozen=True)
class CandidateFilter:
    query: str = ""
    source: str = ""
    min_score_pct: int | None = None
    min_days: int | None = None
    flag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.query or self.source or self.flag) or (
            self.min_score_pct is not None or self.min_days is not None
        )

    def as_args(self) -> dict[str, str | int]:
        """The filter as query-string arguments (for paging links)."""
        args = {
            "q": self.query,
            "source": self.source,
            "min_score": self.min_score_pct,
            "min_days": self.min_days,
            "flag": self.flag,
        }
        return {key: value for key, value in args.items() if value not in ("", None)}


def _int_arg(args, name: str, low: int, high: int) -> int | None:
    value = args.get(name, "", type=str).strip()
    if not value.isdigit():
        return None
    return min(max(int(value), low), high)


def parse(args, sources: tuple[str, ...]) -> CandidateFilter:
    """Read filters from request args; unknown or malformed values are ignored, never an error."""
    source = args.get("source", "", type=str)
    flag = args.get("flag", "", type=str)
    return CandidateFilter(
        query=args.get("q", "", type=str).strip()[:200],
        source=source if source in sources else "",
        min_score_pct=_int_arg(args, "min_score", 0, 100),
        min_days=_int_arg(args, "min_days", 0, MAX_DAYS),
        flag=flag if flag in FLAGS else "",
    )


def application_clause(chosen: CandidateFilter) -> ColumnElement[bool]:
    """A WHERE clause on Application (joined to Candidate) for everything but the text query."""
    now = now_utc()
    clauses: list[ColumnElement[bool]] = []
    if chosen.source:
        clauses.append(Candidate.source == chosen.source)
    if chosen.min_days is not None:
        clauses.append(Application.stage_entered_at <= now - timedelta(days=chosen.min_days))
    if chosen.min_score_pct is not None:
        clauses.append(
            _graded_run(
                GradingRun.max_score > 0,
                GradingRun.score * 100 >= GradingRun.max_score * chosen.min_score_pct,
            )
        )
    if chosen.flag == "stale":
        clauses.append(_stale(now))
    if chosen.flag == "ungraded":
        clauses.append(
            exists(select(Assignment.id).where(Assignment.application_id == Application.id))
            & ~_graded_run()
        )
    return and_(true(), *clauses)


def _graded_run(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The application has a graded run (meeting `conditions`) of any of its submissions."""
    return exists(
        select(GradingRun.id)
        .join(Submission, Submission.id == GradingRun.submission_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(
            Assignment.application_id == Application.id,
            GradingRun.status == RunStatus.GRADED,
            *conditions,
        )
    )


def _stale(now) -> ColumnElement[bool]:
    """In an open stage for longer than its job's threshold (one OR branch per threshold used)."""
    thresholds = db.session.scalars(select(Job.stale_after_days).distinct())
    open_stage = exists(
        select(Stage.id).where(Stage.id == Application.stage_id, Stage.kind == StageKind.NORMAL)
    )
    per_job = or_(
        false(),
        *(
            exists(select(Job.id).where(Job.id == Application.job_id, Job.stale_after_days == days))
            & (Application.stage_entered_at < now - timedelta(days=days))
            for days in thresholds
        ),
    )
    return open_stage & per_job

"""The hiring funnel of one job, computed in SQL from stage transitions.

Definitions (the page and the CSV say the same):
- cohort: the job's applications whose application date falls in the window (optionally one source);
- reached: applications that entered the stage or any later stage of the progression (normal
  stages, then Hired) — a skipped stage counts as passed through, moving back does not un-reach;
- entered: applications with at least one transition into the stage itself;
- conversion: reached this stage / reached the previous progression stage; yield: hired / cohort;
- time in stage: per application, the total of its completed stays in the stage (a stay ends with
  the next move); median and 90th percentile interpolate linearly, as PostgreSQL's percentile_cont;
- drop-off: applications currently Rejected or Withdrawn, by the reason category and the stage
  they left;
- active: applications currently in each stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import Application, Candidate, Job, Stage, StageKind, StageTransition
from app.pipeline.operations import REASON_SEPARATOR, REJECTION_REASONS, WITHDRAWAL_REASONS
from app.reports.timespan import seconds_between

DAY_SECONDS = 86_400.0
PERCENTILES = (50, 90)


@dataclass(frozen=True)
class Window:
    """Application dates from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, UTC),
        )


@dataclass(frozen=True)
class StageRow:
    stage_id: int
    name: str
    kind: StageKind
    in_progression: bool
    reached: int | None  # None for Rejected/Withdrawn, which are not steps of the funnel
    entered: int
    share_of_cohort: float | None
    conversion: float | None  # from the previous progression stage
    stays: int  # applications with a completed stay (the sample for the times)
    median_days: float | None
    p90_days: float | None
    active: int


@dataclass(frozen=True)
class SourceRow:
    source: str
    applications: int
    reached: list[int]  # per progression stage, in order
    hired: int

    @property
    def yield_rate(self) -> float | None:
        return self.hired / self.applications if self.applications else None


@dataclass(frozen=True)
class DropOffRow:
    outcome: str  # "Rejected" or "Withdrawn" (the stage's name)
    reason: str
    from_stage: str
    count: int


@dataclass
class Funnel:
    job: Job
    window: Window
    source: str | None
    applications: int
    hired: int
    stages: list[StageRow]
    sources: list[SourceRow]
    dropoff: list[DropOffRow]
    progression: list[Stage] = field(default_factory=list)

    @property
    def yield_rate(self) -> float | None:
        return self.hired / self.applications if self.applications else None


def progression_stages(job: Job) -> list[Stage]:
    """The steps of the funnel in order: normal stages, then Hired."""
    return [stage for stage in job.stages if stage.kind in (StageKind.NORMAL, StageKind.HIRED)]


def cohort(job: Job, window: Window, source: str | None) -> Select[Any]:
    """The cohort's applications: id, source and current stage."""
    start, end = window.bounds
    query = (
        select(
            Application.id.label("application_id"),
            Candidate.source.label("source"),
            Application.stage_id.label("stage_id"),
            Application.stage_entered_at.label("stage_entered_at"),
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(
            Application.job_id == job.id,
            Application.applied_at >= start,
            Application.applied_at < end,
        )
    )
    if source:
        query = query.where(Candidate.source == source)
    return query


def _furthest_by_source(members: Any, positions: dict[int, int]) -> dict[str, dict[int, int]]:
    """{source: {furthest progression position: applications}} (one grouped query)."""
    position = case(positions, value=StageTransition.to_stage_id, else_=None)
    furthest = (
        select(
            members.c.source.label("source"),
            func.max(position).label("furthest"),
        )
        .join(StageTransition, StageTransition.application_id == members.c.application_id)
        .group_by(members.c.application_id, members.c.source)
        .subquery()
    )
    rows = db.session.execute(
        select(furthest.c.source, furthest.c.furthest, func.count()).group_by(
            furthest.c.source, furthest.c.furthest
        )
    )
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for source, position_reached, count in rows:
        if position_reached is not None:
            result[source][position_reached] = count
    return result


def _entered(members: Any) -> dict[int, int]:
    rows = db.session.execute(
        select(
            StageTransition.to_stage_id,
            func.count(func.distinct(StageTransition.application_id)),
        )
        .join(members, members.c.application_id == StageTransition.application_id)
        .group_by(StageTransition.to_stage_id)
    )
    return {stage_id: count for stage_id, count in rows}


def _active_by_source(members: Any) -> dict[str, dict[int, int]]:
    rows = db.session.execute(
        select(members.c.source, members.c.stage_id, func.count()).group_by(
            members.c.source, members.c.stage_id
        )
    )
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for source, stage_id, count in rows:
        result[source][stage_id] = count
    return result


def _interpolated(
    value: ColumnElement[Any], rank: ColumnElement[Any], n: ColumnElement[Any], pct: int
) -> ColumnElement[Any]:
    """percentile_cont(pct/100) over each partition, from row_number and count (portable)."""
    scaled = literal(pct) * (n - 1)
    lower = scaled // 100 + 1  # 1-based rank of the value at or below the percentile
    fraction = (scaled % 100) / 100.0
    return func.sum(
        case(
            (rank == lower, value * (1 - fraction)),
            (rank == lower + 1, value * fraction),
            else_=0.0,
        )
    )


def _time_in_stage(members: Any) -> dict[int, tuple[int, float, float]]:
    """{stage id: (applications, median seconds, p90 seconds)} over completed stays."""
    ordered = (
        select(
            StageTransition.application_id,
            StageTransition.from_stage_id,
            seconds_between(
                StageTransition.at,
                func.lag(StageTransition.at).over(
                    partition_by=StageTransition.application_id,
                    order_by=(StageTransition.at, StageTransition.id),
                ),
            ).label("seconds"),
        )
        .join(members, members.c.application_id == StageTransition.application_id)
        .subquery()
    )
    per_application = (
        select(
            ordered.c.from_stage_id.label("stage_id"),
            func.sum(ordered.c.seconds).label("seconds"),
        )
        .where(ordered.c.from_stage_id.is_not(None))
        .group_by(ordered.c.application_id, ordered.c.from_stage_id)
        .subquery()
    )
    ranked = select(
        per_application.c.stage_id,
        per_application.c.seconds,
        func.row_number()
        .over(partition_by=per_application.c.stage_id, order_by=per_application.c.seconds)
        .label("rank"),
        func.count().over(partition_by=per_application.c.stage_id).label("n"),
    ).subquery()
    rows = db.session.execute(
        select(
            ranked.c.stage_id,
            func.max(ranked.c.n),
            *(
                _interpolated(ranked.c.seconds, ranked.c.rank, ranked.c.n, pct)
                for pct in PERCENTILES
            ),
        ).group_by(ranked.c.stage_id)
    )
    return {stage_id: (n, float(p50), float(p90)) for stage_id, n, p50, p90 in rows}


def reason_category(reason: ColumnElement[str]) -> ColumnElement[str]:
    """The category a stored reason starts with (see pipeline.operations.compose_reason)."""
    categories = sorted(set(REJECTION_REASONS + WITHDRAWAL_REASONS), key=len, reverse=True)
    whens = [(reason == category, category) for category in categories]
    whens += [
        (reason.startswith(category + REASON_SEPARATOR, autoescape=True), category)
        for category in categories
    ]
    return case(*whens, else_=literal("Other"))


def _dropoff(members: Any, job: Job) -> list[DropOffRow]:
    closing = {
        stage.id: stage.name
        for stage in job.stages
        if stage.kind in (StageKind.REJECTED, StageKind.WITHDRAWN)
    }
    names = {stage.id: stage.name for stage in job.stages}
    if not closing:
        return []
    category = reason_category(StageTransition.reason).label("category")
    # The move that closed each application: into its current stage, at the time it entered it.
    rows = db.session.execute(
        select(members.c.stage_id, category, StageTransition.from_stage_id, func.count())
        .join(
            StageTransition,
            and_(
                StageTransition.application_id == members.c.application_id,
                StageTransition.to_stage_id == members.c.stage_id,
                StageTransition.at == members.c.stage_entered_at,
            ),
        )
        .where(members.c.stage_id.in_(closing))
        .group_by(members.c.stage_id, category, StageTransition.from_stage_id)
    )
    result = [
        DropOffRow(closing[stage_id], reason, names.get(from_id, "—"), count)
        for stage_id, reason, from_id, count in rows
    ]
    return sorted(result, key=lambda row: (row.outcome, -row.count, row.reason, row.from_stage))


def funnel(job: Job, window: Window, source: str | None = None) -> Funnel:
    """The funnel of `job` for applications dated in `window`, optionally from one source."""
    members = cohort(job, window, source).subquery("members")
    steps = progression_stages(job)
    positions = {stage.id: index for index, stage in enumerate(steps)}
    furthest = _furthest_by_source(members, positions)
    entered = _entered(members)
    active = _active_by_source(members)
    times = _time_in_stage(members)

    def reached_counts(by_position: dict[int, int]) -> list[int]:
        # Reaching a stage means reaching it or any later one: a suffix sum over positions.
        counts, running = [0] * len(steps), 0
        for index in reversed(range(len(steps))):
            running += by_position.get(index, 0)
            counts[index] = running
        return counts

    sources = []
    for name in sorted(set(furthest) | set(active)):
        reached = reached_counts(furthest.get(name, {}))
        hired = reached[-1] if steps and steps[-1].kind is StageKind.HIRED else 0
        sources.append(SourceRow(name, sum(active.get(name, {}).values()), reached, hired))
    total_reached = [sum(row.reached[index] for row in sources) for index in range(len(steps))]
    applications = sum(row.applications for row in sources)
    hired = sum(row.hired for row in sources)
    active_total: dict[int, int] = defaultdict(int)
    for by_stage in active.values():
        for stage_id, count in by_stage.items():
            active_total[stage_id] += count

    rows = []
    for stage in job.stages:
        index = positions.get(stage.id)
        reached = total_reached[index] if index is not None else None
        previous = total_reached[index - 1] if index else None
        n, p50, p90 = times.get(stage.id, (0, None, None))
        rows.append(
            StageRow(
                stage_id=stage.id,
                name=stage.name,
                kind=stage.kind,
                in_progression=index is not None,
                reached=reached,
                entered=entered.get(stage.id, 0),
                share_of_cohort=reached / applications
                if reached is not None and applications
                else None,
                conversion=reached / previous if reached is not None and previous else None,
                stays=n,
                median_days=p50 / DAY_SECONDS if p50 is not None else None,
                p90_days=p90 / DAY_SECONDS if p90 is not None else None,
                active=active_total.get(stage.id, 0),
            )
        )
    return Funnel(
        job=job,
        window=window,
        source=source,
        applications=applications,
        hired=hired,
        stages=rows,
        sources=sources,
        dropoff=_dropoff(members, job),
        progression=steps,
    )


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def stages_table(result: Funnel) -> tuple[list[str], list[list[Any]]]:
    header = [
        "stage", "kind", "reached", "percent_of_applications", "conversion_percent",
        "entered", "active_now", "time_in_stage_n", "median_days", "p90_days",
    ]  # fmt: skip
    rows = [
        [
            row.name,
            row.kind.value,
            row.reached,
            _percent(row.share_of_cohort),
            _percent(row.conversion),
            row.entered,
            row.active,
            row.stays,
            _days(row.median_days),
            _days(row.p90_days),
        ]
        for row in result.stages
    ]
    return header, rows


def sources_table(result: Funnel) -> tuple[list[str], list[list[Any]]]:
    header = ["source", "applications", *(s.name for s in result.progression), "yield_percent"]
    rows = [
        [row.source, row.applications, *row.reached, _percent(row.yield_rate)]
        for row in result.sources
    ]
    return header, rows


def dropoff_table(result: Funnel) -> tuple[list[str], list[list[Any]]]:
    header = ["outcome", "reason", "left_from_stage", "applications"]
    return header, [[r.outcome, r.reason, r.from_stage, r.count] for r in result.dropoff]


TABLES = {"stages": stages_table, "sources": sources_table, "dropoff": dropoff_table}


def chart_data(result: Funnel) -> dict[str, Any]:
    """What the page's charts draw (read from a JSON block by static/js/funnel-charts.js)."""
    timed = [row for row in result.stages if row.stays]
    return {
        "stages": [stage.name for stage in result.progression],
        "sources": [{"label": row.source, "reached": row.reached} for row in result.sources],
        "times": {
            "stages": [row.name for row in timed],
            "median": [_days(row.median_days) for row in timed],
            "p90": [_days(row.p90_days) for row in timed],
        },
    }

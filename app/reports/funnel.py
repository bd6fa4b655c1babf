"""The hiring funnel of one job, computed in SQL.

Counts and times come from `application_stage_stats` (one row per application and stage entered,
derived from the stage transitions and kept in step with every move: app/pipeline/stage_stats.py);
current stages and drop-off reasons come from applications and their closing transition.

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
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    ApplicationStageStats,
    Job,
    Stage,
    StageKind,
)
from app.reports.report_cache import cached

DAY_SECONDS = 86_400.0
MEDIAN, P90 = 50, 90


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


def _stats_in(job: Job, window: Window, source: str | None) -> list[ColumnElement[bool]]:
    """Filters on application_stage_stats for the cohort (its columns copy the application's)."""
    start, end = window.bounds
    conditions = [
        ApplicationStageStats.job_id == job.id,
        ApplicationStageStats.applied_at >= start,
        ApplicationStageStats.applied_at < end,
    ]
    if source:
        conditions.append(ApplicationStageStats.source == source)
    return conditions


def _furthest_by_source(
    job: Job, window: Window, source: str | None, positions: dict[int, int]
) -> dict[str, dict[int, int]]:
    """{source: {furthest progression position: applications}} (one grouped query)."""
    rows = db.session.execute(
        select(ApplicationStageStats.source, ApplicationStageStats.stage_id, func.count())
        .where(*_stats_in(job, window, source), ApplicationStageStats.is_furthest == true())
        .group_by(ApplicationStageStats.source, ApplicationStageStats.stage_id)
    )
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for name, stage_id, count in rows:
        if stage_id in positions:
            result[name][positions[stage_id]] = count
    return result


def _per_stage(job: Job, window: Window, source: str | None) -> dict[int, tuple[int, int]]:
    """{stage id: (applications that entered it, of which with a completed stay)}."""
    rows = db.session.execute(
        select(
            ApplicationStageStats.stage_id,
            func.count(),
            func.count(ApplicationStageStats.seconds),
        )
        .where(*_stats_in(job, window, source))
        .group_by(ApplicationStageStats.stage_id)
    )
    return {stage_id: (entered, completed) for stage_id, entered, completed in rows}


def _percentile_seconds(
    job: Job, window: Window, source: str | None, stage_id: int, n: int, pct: int
) -> float:
    """percentile_cont(pct/100) of the stage's per-application seconds, as PostgreSQL computes it.

    Reads only the one or two values around the percentile's rank, walking the index on
    (job, stage, seconds) from whichever end is nearer: O(min(rank, n - rank)) index entries
    instead of sorting the cohort (the 90th percentile reads the top tenth).
    """
    rank, fraction = divmod(pct * (n - 1), 100)  # 0-based rank, and hundredths towards the next
    wanted = 2 if fraction and rank + 1 < n else 1
    seconds = ApplicationStageStats.seconds
    from_top = rank >= n / 2
    values = db.session.scalars(
        select(seconds)
        .where(
            *_stats_in(job, window, source),
            ApplicationStageStats.stage_id == stage_id,
            seconds.is_not(None),
        )
        .order_by(seconds.desc() if from_top else seconds)
        .limit(wanted)
        .offset(n - rank - wanted if from_top else rank)
    ).all()
    ordered = [float(value or 0.0) for value in (reversed(values) if from_top else values)]
    low, high = ordered[0], ordered[-1]
    return low + (high - low) * fraction / 100


def _active(job: Job, window: Window, source: str | None) -> dict[int, int]:
    """{stage id: applications of the cohort currently in it}."""
    rows = db.session.execute(
        select(ApplicationStageStats.stage_id, func.count())
        .where(*_stats_in(job, window, source), ApplicationStageStats.is_current == true())
        .group_by(ApplicationStageStats.stage_id)
    )
    return {stage_id: count for stage_id, count in rows}


def _dropoff(job: Job, window: Window, source: str | None) -> list[DropOffRow]:
    """Applications now Rejected or Withdrawn, by the reason and origin of that last move."""
    closing = {
        stage.id: stage.name
        for stage in job.stages
        if stage.kind in (StageKind.REJECTED, StageKind.WITHDRAWN)
    }
    if not closing:
        return []
    names = {stage.id: stage.name for stage in job.stages}
    stats = ApplicationStageStats
    rows = db.session.execute(
        select(stats.stage_id, stats.reason, stats.from_stage_id, func.count())
        .where(
            *_stats_in(job, window, source),
            stats.is_current == true(),
            stats.stage_id.in_(closing),
        )
        .group_by(stats.stage_id, stats.reason, stats.from_stage_id)
    )
    result = [
        DropOffRow(closing[stage_id], reason, names.get(from_id or 0, "—"), count)
        for stage_id, reason, from_id, count in rows
    ]
    return sorted(result, key=lambda row: (row.outcome, -row.count, row.reason, row.from_stage))


def funnel(job: Job, window: Window, source: str | None = None) -> Funnel:
    """The funnel of `job` for applications dated in `window`, optionally from one source."""
    steps = progression_stages(job)
    positions = {stage.id: index for index, stage in enumerate(steps)}
    furthest = _furthest_by_source(job, window, source, positions)
    per_stage = _per_stage(job, window, source)
    active = _active(job, window, source)
    times: dict[int, tuple[int, float | None, float | None]] = {
        stage_id: (
            completed,
            _percentile_seconds(job, window, source, stage_id, completed, MEDIAN),
            _percentile_seconds(job, window, source, stage_id, completed, P90),
        )
        for stage_id, (_, completed) in per_stage.items()
        if completed
    }

    def reached_counts(by_position: dict[int, int]) -> list[int]:
        # Reaching a stage means reaching it or any later one: a suffix sum over positions.
        counts, running = [0] * len(steps), 0
        for index in reversed(range(len(steps))):
            running += by_position.get(index, 0)
            counts[index] = running
        return counts

    sources = []
    for name in sorted(furthest):
        source_reached = reached_counts(furthest[name])
        hired = source_reached[-1] if steps and steps[-1].kind is StageKind.HIRED else 0
        sources.append(SourceRow(name, sum(furthest[name].values()), source_reached, hired))
    total_reached = [sum(row.reached[index] for row in sources) for index in range(len(steps))]
    applications = sum(row.applications for row in sources)
    hired = sum(row.hired for row in sources)

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
                entered=per_stage.get(stage.id, (0, 0))[0],
                share_of_cohort=reached / applications
                if reached is not None and applications
                else None,
                conversion=reached / previous if reached is not None and previous else None,
                stays=n,
                median_days=p50 / DAY_SECONDS if p50 is not None else None,
                p90_days=p90 / DAY_SECONDS if p90 is not None else None,
                active=active.get(stage.id, 0),
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
        dropoff=_dropoff(job, window, source),
        progression=steps,
    )


def cached_funnel(job: Job, window: Window, source: str | None = None) -> Funnel:
    """`funnel(...)`, computed once per change of the job's applications or stages (per web
    process). Its rows change only with stage moves, new applications and erasure, each of which
    raises the job's assessment revision in the same transaction (app/assessment_upkeep.py), and
    with the stages, which the cache's fingerprint also reads. The window is in the key, so a new
    day (the default window ends today) is a new entry; the viewer is not: every recruiter the
    job admits sees the same funnel."""
    result = cached(
        ("funnel", job.id, window.start, window.end, source),
        select(Job.id).where(Job.id == job.id),
        lambda: funnel(job, window, source),
    )
    # The stages' rows are the request's own (the fingerprint proved they did not change).
    return replace(result, job=job, progression=progression_stages(job))


def rendered_funnel(
    job: Job,
    window: Window,
    source: str | None,
    render: Callable[[Funnel], str],
    variant: Hashable = (),
) -> str:
    """`render(cached_funnel(...))`, rendered once per change of the funnel (per web process): on
    a hit the page costs the fingerprint's one query and no rendering. `variant` is everything
    else the rendering reads (the request's query string, carried into its CSV links)."""
    return cached(
        ("funnel-html", job.id, window.start, window.end, source, variant),
        select(Job.id).where(Job.id == job.id),
        lambda: render(cached_funnel(job, window, source)),
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

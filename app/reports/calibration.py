"""Interviewer calibration: how each interviewer scores each dimension compared with the panel,
and how often interviewers of the same candidates agree. Computed with SQL aggregations.

What counts: the scores of submitted, current (not superseded) scorecards. "No evidence" is
missing data, not a low score: it is counted but left out of means and agreement.

Agreement statistic (the choice, documented): for every pair of scores given by two different
interviewers to the same application on the same dimension, we report the **mean absolute
difference** (in scale steps: 0 = identical, 1 = one level apart) and the **exact-agreement rate**
(the share of pairs on the same level). We chose these over Krippendorff's alpha (ordinal) because
panels are 2 or 3 people and a role sees tens of candidates: alpha's expected-disagreement term is
unstable at that size and its value is hard to act on in a calibration session, while "on average
0.4 levels apart, same level 60% of the time" is readable and exact in SQL. The per-interviewer
**mean signed difference** (their score minus a co-panelist's, over their pairs) shows leniency
(positive) or severity (negative).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import DimensionScore, Scorecard, ScorecardStatus, User
from app.scorecards.catalog import catalog
from app.scorecards.source import RubricError


@dataclass(frozen=True)
class Pairs:
    pairs: int
    mean_abs_diff: float | None
    exact_agreement: float | None
    mean_signed_diff: float | None = None


@dataclass(frozen=True)
class Distribution:
    counts: dict[str, int]  # level key → number of scores (no evidence included)
    rated: int  # scores with a value (no evidence excluded)
    mean: float | None


@dataclass(frozen=True)
class InterviewerRow:
    interviewer_id: int
    interviewer: str
    dimension: str
    scores: Distribution
    panel: Distribution
    agreement: Pairs  # this interviewer against co-panelists of the same candidates

    @property
    def mean_vs_panel(self) -> float | None:
        if self.scores.mean is None or self.panel.mean is None:
            return None
        return self.scores.mean - self.panel.mean


@dataclass(frozen=True)
class CalibrationReport:
    levels: list[str]
    dimensions: list[str]
    rows: list[InterviewerRow]
    panel: dict[str, Distribution]
    agreement_by_dimension: dict[str, Pairs]
    agreement_overall: Pairs
    titles: dict[str, str] = field(default_factory=dict)  # dimension key → title, where known

    def title(self, dimension: str) -> str:
        return self.titles.get(dimension, dimension)


def _current_scores():  # type: ignore[no-untyped-def]
    """Scores of submitted, current scorecards, with who gave them to which application."""
    return (
        select(
            DimensionScore.dimension.label("dimension"),
            DimensionScore.level.label("level"),
            DimensionScore.value.label("value"),
            Scorecard.interviewer_id.label("interviewer_id"),
            Scorecard.application_id.label("application_id"),
        )
        .join(Scorecard, Scorecard.id == DimensionScore.scorecard_id)
        .where(
            Scorecard.status == ScorecardStatus.SUBMITTED,
            Scorecard.superseded_at.is_(None),
            DimensionScore.level.is_not(None),
        )
        .subquery("current_scores")
    )


def _pairs_query(scores, per_interviewer: bool):  # type: ignore[no-untyped-def]
    a, b = aliased(scores, name="a"), aliased(scores, name="b")
    difference = a.c.value - b.c.value
    columns = [
        a.c.dimension,
        func.count().label("pairs"),
        func.avg(cast(func.abs(difference), Float)).label("mad"),
        func.avg(cast(case((a.c.value == b.c.value, 1), else_=0), Float)).label("exact"),
        func.avg(cast(difference, Float)).label("signed"),
    ]
    join = (a.c.application_id == b.c.application_id) & (a.c.dimension == b.c.dimension)
    query = (
        select(*columns).join_from(a, b, join).where(a.c.value.is_not(None), b.c.value.is_not(None))
    )
    if per_interviewer:
        return (
            query.add_columns(a.c.interviewer_id)
            .where(a.c.interviewer_id != b.c.interviewer_id)
            .group_by(a.c.interviewer_id, a.c.dimension)
        )
    # Unordered pairs once each: the lower interviewer id on the left.
    return query.where(a.c.interviewer_id < b.c.interviewer_id).group_by(a.c.dimension)


def _distribution(counts: dict[str, int], rated: int, total: float) -> Distribution:
    return Distribution(dict(counts), rated, total / rated if rated else None)


def calibration() -> CalibrationReport:
    scores = _current_scores()
    # Level counts and sums per (interviewer, dimension, level), in one aggregation.
    level_rows = db.session.execute(
        select(
            scores.c.interviewer_id,
            scores.c.dimension,
            scores.c.level,
            func.min(scores.c.value),
            func.count(),
            func.count(scores.c.value),
            func.coalesce(func.sum(scores.c.value), 0),
        ).group_by(scores.c.interviewer_id, scores.c.dimension, scores.c.level)
    ).all()
    level_values: dict[str, int | None] = {}
    mine: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    mine_totals: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0.0])
    panel_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    panel_totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for interviewer_id, dimension, level, value, count, rated, total in level_rows:
        level_values.setdefault(level, value)
        mine[(interviewer_id, dimension)][level] = count
        mine_totals[(interviewer_id, dimension)][0] += rated
        mine_totals[(interviewer_id, dimension)][1] += total
        panel_counts[dimension][level] += count
        panel_totals[dimension][0] += rated
        panel_totals[dimension][1] += total
    levels = sorted(level_values, key=lambda k: (level_values[k] is not None, level_values[k] or 0))
    panel = {
        dimension: _distribution(
            counts, int(panel_totals[dimension][0]), panel_totals[dimension][1]
        )
        for dimension, counts in panel_counts.items()
    }

    per_interviewer = {
        (row.interviewer_id, row.dimension): Pairs(row.pairs, row.mad, row.exact, row.signed)
        for row in db.session.execute(_pairs_query(scores, per_interviewer=True))
    }
    by_dimension = {
        row.dimension: Pairs(row.pairs, row.mad, row.exact)
        for row in db.session.execute(_pairs_query(scores, per_interviewer=False))
    }
    pairs_total = sum(p.pairs for p in by_dimension.values())
    overall = Pairs(
        pairs_total,
        sum(p.pairs * (p.mean_abs_diff or 0) for p in by_dimension.values()) / pairs_total
        if pairs_total
        else None,
        sum(p.pairs * (p.exact_agreement or 0) for p in by_dimension.values()) / pairs_total
        if pairs_total
        else None,
    )
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_({key[0] for key in mine}))
        ).all()
    )
    dimensions, titles = _dimension_order(set(panel))
    rows = [
        InterviewerRow(
            interviewer_id,
            names.get(interviewer_id, f"#{interviewer_id}"),
            dimension,
            _distribution(counts, int(mine_totals[key][0]), mine_totals[key][1]),
            panel[dimension],
            per_interviewer.get(key, Pairs(0, None, None, None)),
        )
        for key, counts in mine.items()
        for interviewer_id, dimension in [key]
    ]
    order = {dimension: index for index, dimension in enumerate(dimensions)}
    rows.sort(key=lambda row: (row.interviewer.lower(), order[row.dimension]))
    return CalibrationReport(levels, dimensions, rows, panel, by_dimension, overall, titles)


def _dimension_order(present: set[str]) -> tuple[list[str], dict[str, str]]:
    """The installed rubrics' order and titles where they know a dimension, then alphabetical."""
    try:
        titles = {
            d.key: d.title for rubric in catalog().rubrics.values() for d in rubric.dimensions
        }
    except RubricError:  # the report must render even if a rubric file is broken
        titles = {}
    ordered = [key for key in titles if key in present]
    return ordered + sorted(present - set(ordered)), titles


CSV_HEADER = (
    "interviewer",
    "dimension",
    "rated",
    "mean",
    "panel_mean",
    "mean_vs_panel",
    "pairs",
    "mean_abs_diff",
    "exact_agreement",
    "mean_signed_diff",
)


def csv_rows(report: CalibrationReport) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in report.rows:
        rows.append(
            [
                row.interviewer,
                row.dimension,
                row.scores.rated,
                row.scores.mean,
                row.panel.mean,
                row.mean_vs_panel,
                row.agreement.pairs,
                row.agreement.mean_abs_diff,
                row.agreement.exact_agreement,
                row.agreement.mean_signed_diff,
            ]
            + [row.scores.counts.get(level, 0) for level in report.levels]
        )
    return rows


def csv_header(report: CalibrationReport) -> list[str]:
    return [*CSV_HEADER, *(f"count_{level}" for level in report.levels)]

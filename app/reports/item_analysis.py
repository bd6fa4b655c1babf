"""Item analysis of an exercise version: per test group, how hard it is and how well it separates
candidates, and how reliable the total score is.

Definitions (the page says the same):
- observations: one per assignment, its newest graded run of the version (observations.py);
- difficulty: the mean share of the group's points (1 = everybody scores full points);
- discrimination: the corrected item-total correlation, Pearson's r between the group's points
  and the total of the *other* groups' points;
- reliability: Cronbach's alpha of the total over the groups, with a 95% bootstrap interval
  (stats.bootstrap_alpha);
- non-informative: a group everybody scores zero on (never passes) or full points on (always).
SQL groups the runs by their pattern of group points, so Python sees distinct patterns only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import GroupScore
from app.reports import stats
from app.reports.observations import MIN_RUNS, Scope, observed_runs

HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    dimension: str
    max_score: float


@dataclass(frozen=True)
class ItemRow:
    group: Group
    n: int
    difficulty: stats.Estimate
    discrimination: stats.Estimate
    full: int  # candidates with full points
    partial: int
    zero: int

    @property
    def non_informative(self) -> str | None:
        if self.n < MIN_RUNS:
            return None
        if self.zero == self.n:
            return "never passes"
        if self.full == self.n:
            return "always passes"
        return None


@dataclass(frozen=True)
class ItemAnalysis:
    scope: Scope
    n: int
    max_score: float
    items: list[ItemRow]
    alpha: stats.Estimate
    histogram: list[int]  # candidates per tenth of the maximum total (the last bin includes 100%)
    mean_share: float | None


def groups_of(scope: Scope, runs) -> list[Group]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        select(
            GroupScore.group_id,
            func.max(GroupScore.title),
            func.max(GroupScore.dimension),
            func.max(GroupScore.max_score),
        )
        .join(runs, runs.c.run_id == GroupScore.run_id)
        .group_by(GroupScore.group_id)
        .order_by(func.min(GroupScore.id))
    )
    return [Group(gid, title, dimension, float(top or 0)) for gid, title, dimension, top in rows]


def patterns(groups: list[Group], runs) -> tuple[list[tuple[float, ...]], list[int]]:  # type: ignore[no-untyped-def]
    """Distinct vectors of group points (in `groups` order) and how many runs have each."""
    per_run = (
        select(
            *(
                func.sum(case((GroupScore.group_id == g.id, GroupScore.score), else_=0.0)).label(
                    f"g{index}"
                )
                for index, g in enumerate(groups)
            )
        )
        .join(runs, runs.c.run_id == GroupScore.run_id)
        .group_by(GroupScore.run_id)
        .subquery("per_run")
    )
    columns = list(per_run.c)
    rows = db.session.execute(select(*columns, func.count()).group_by(*columns)).all()
    return [tuple(float(v or 0) for v in row[:-1]) for row in rows], [row[-1] for row in rows]


def item_analysis(scope: Scope) -> ItemAnalysis:
    runs = observed_runs(scope)
    groups = groups_of(scope, runs)
    if not groups:
        return ItemAnalysis(scope, 0, 0.0, [], stats.not_enough(0, MIN_RUNS), [], None)
    vectors, counts = patterns(groups, runs)
    return analyse(scope, groups, vectors, counts)


def analyse(
    scope: Scope, groups: list[Group], vectors: list[tuple[float, ...]], counts: list[int]
) -> ItemAnalysis:
    """The statistics of weighted point patterns (pure; the known-answer tests call it too)."""
    n = sum(counts)
    max_total = sum(g.max_score for g in groups)
    totals = [sum(v) for v in vectors]
    items = []
    for index, group in enumerate(groups):
        points = [v[index] for v in vectors]
        top = group.max_score or 1.0
        full = sum(c for p, c in zip(points, counts, strict=True) if p >= top - 1e-9)
        zero = sum(c for p, c in zip(points, counts, strict=True) if p <= 1e-9)
        if n >= MIN_RUNS:
            mean = stats.weighted_mean(points, counts) / top
            rest = [t - p for t, p in zip(totals, points, strict=True)]
            r = stats.pearson(points, rest, counts)
            difficulty = stats.estimate(n, mean, MIN_RUNS)
            discrimination = stats.estimate(n, r, MIN_RUNS)
        else:
            difficulty = discrimination = stats.not_enough(n, MIN_RUNS)
        items.append(ItemRow(group, n, difficulty, discrimination, full, n - full - zero, zero))
    alpha = stats.not_enough(n, MIN_RUNS)
    if n >= MIN_RUNS and len(groups) >= 2:
        value = stats.cronbach_alpha(vectors, counts)
        interval = stats.bootstrap_alpha(vectors, counts) if value is not None else None
        alpha = stats.Estimate(
            n, value, *(interval if interval else (None, None)), minimum=MIN_RUNS
        )
    histogram = [0] * HISTOGRAM_BINS
    for total, count in zip(totals, counts, strict=True):
        share = total / max_total if max_total else 0.0
        histogram[min(HISTOGRAM_BINS - 1, max(0, int(share * HISTOGRAM_BINS)))] += count
    mean_share = stats.weighted_mean(totals, counts) / max_total if n and max_total else None
    return ItemAnalysis(scope, n, max_total, items, alpha, histogram, mean_share)

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
The runs are grouped by their pattern of group points (numpy), so the statistics see distinct
patterns only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.reports import stats
from app.reports.observations import MIN_RUNS, Group, Scope, load

HISTOGRAM_BINS = 10


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


def item_analysis(scope: Scope) -> ItemAnalysis:
    observed = load(scope)
    graded = observed.present.any(axis=1)  # runs that stored no group scores are not items
    if not observed.groups or not graded.any():
        return ItemAnalysis(scope, 0, 0.0, [], stats.not_enough(0, MIN_RUNS), [], None)
    vectors, counts = np.unique(observed.points[graded], axis=0, return_counts=True)
    return analyse(scope, observed.groups, [tuple(map(float, v)) for v in vectors], counts.tolist())


def analyse(scope: Scope, groups: list[Group], vectors, counts) -> ItemAnalysis:  # type: ignore[no-untyped-def]
    """The statistics of weighted point patterns (pure; the known-answer tests call it too).
    `vectors`: one row of group points per distinct pattern; `counts`: how many runs have it."""
    matrix = np.asarray(vectors, dtype=float).reshape(len(counts), len(groups))
    weights = np.asarray(counts, dtype=float)
    n = int(weights.sum())
    max_total = sum(g.max_score for g in groups)
    totals = matrix.sum(axis=1)
    items = []
    for index, group in enumerate(groups):
        points = matrix[:, index]
        top = group.max_score or 1.0
        full = int(weights[points >= top - 1e-9].sum())
        zero = int(weights[points <= 1e-9].sum())
        if n >= MIN_RUNS:
            mean = stats.weighted_mean(points, weights) / top
            r = stats.pearson(points, totals - points, weights)
            difficulty = stats.estimate(n, mean, MIN_RUNS)
            discrimination = stats.estimate(n, r, MIN_RUNS)
        else:
            difficulty = discrimination = stats.not_enough(n, MIN_RUNS)
        items.append(ItemRow(group, n, difficulty, discrimination, full, n - full - zero, zero))
    alpha = stats.not_enough(n, MIN_RUNS)
    if n >= MIN_RUNS and len(groups) >= 2:
        value = stats.cronbach_alpha(matrix, counts)
        interval = stats.bootstrap_alpha(matrix, counts) if value is not None else None
        alpha = stats.Estimate(
            n, value, *(interval if interval else (None, None)), minimum=MIN_RUNS
        )
    shares = totals / max_total if max_total else np.zeros(len(totals))
    bins = np.clip((shares * HISTOGRAM_BINS).astype(int), 0, HISTOGRAM_BINS - 1)
    histogram = [int(c) for c in np.bincount(bins, weights=weights, minlength=HISTOGRAM_BINS)]
    mean_share = stats.weighted_mean(totals, weights) / max_total if n and max_total else None
    return ItemAnalysis(scope, n, max_total, items, alpha, histogram, mean_share)

"""Agreement of the auto-grade with the interviewers, per rubric dimension.

For every submitted, current interviewer score on a dimension of a candidate with a counted run
(observations.py), the pair is (the run's evidence for that dimension, the interviewer's level):
evidence = points of the test groups that are evidence for the dimension / their maximum.
- Spearman's rho between the evidence share and the level (ties share ranks);
- Cohen's kappa with quadratic weights between the level and the evidence put on the same scale:
  the dimension's rated levels split the share into equal bands (3 levels: below a third is the
  lowest, from two thirds the highest).
n is the number of pairs (an application scored by two interviewers gives two). Below
MIN_PAIRS pairs the page says "not enough data".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from app.reports import stats
from app.reports.observations import Scope, load
from app.scorecards.catalog import catalog
from app.scorecards.source import RubricError

MIN_PAIRS = 10


@dataclass(frozen=True)
class DimensionAgreement:
    dimension: str
    title: str
    pairs: int
    applications: int
    levels: list[int]
    spearman: stats.Estimate
    kappa: stats.Estimate
    mean_evidence: float | None
    mean_level: float | None


def _scales() -> dict[str, tuple[str, list[int]]]:
    """{dimension key: (title, its rated level values)} from the installed rubrics."""
    try:
        rubrics = catalog().rubrics.values()
    except RubricError:  # the report must render even when a rubric file is broken
        return {}
    return {
        d.key: (d.title, sorted(v.value for v in d.scale if v.value is not None))
        for rubric in rubrics
        for d in rubric.dimensions
    }


def evidence_level(share: float, levels: list[int]) -> int:
    """The level whose equal band of [0, 1] holds `share`."""
    return levels[min(len(levels) - 1, max(0, int(share * len(levels))))]


def _pairs(scope: Scope) -> tuple[dict[str, list[tuple[float, int, int]]], dict[str, int]]:
    """{dimension: [(evidence share, level, count)]} and {dimension: applications}."""
    observed = load(scope)
    tops = np.array([g.max_score for g in observed.groups])
    counted: dict[str, Counter] = defaultdict(Counter)
    applications: dict[str, set[int]] = defaultdict(set)
    for dimension in dict.fromkeys(g.dimension for g in observed.groups):
        member = np.array([g.dimension == dimension for g in observed.groups])
        scored = (observed.points[:, member]).sum(axis=1)
        possible = (observed.present[:, member] * tops[member]).sum(axis=1)
        for index, ratings in enumerate(observed.ratings):
            levels = ratings.get(dimension)
            if not levels or not possible[index]:
                continue
            share = round(float(scored[index] / possible[index]), 4)
            for level in levels:
                counted[dimension][(share, level)] += 1
            applications[dimension].add(int(observed.application_id[index]))
    triples = {
        dimension: [(share, level, count) for (share, level), count in pairs.items()]
        for dimension, pairs in counted.items()
    }
    return triples, {dimension: len(ids) for dimension, ids in applications.items()}


def agreement(scope: Scope) -> list[DimensionAgreement]:
    by_dimension, applications = _pairs(scope)
    scales = _scales()
    order = list(scales)
    result = [
        summarise(
            dimension,
            scales.get(dimension, (dimension, []))[0],
            scales.get(dimension, (dimension, []))[1],
            triples,
            applications.get(dimension, 0),
        )
        for dimension, triples in by_dimension.items()
    ]
    result.sort(
        key=lambda row: (
            order.index(row.dimension) if row.dimension in order else 99,
            row.dimension,
        )
    )
    return result


def summarise(
    dimension: str,
    title: str,
    scale: list[int],
    triples: list[tuple[float, int, int]],
    applications: int,
) -> DimensionAgreement:
    """The statistics of (evidence share, interviewer level, count) triples (pure)."""
    levels = scale or sorted({level for _, level, _ in triples})
    n = sum(count for _, _, count in triples)
    if n < MIN_PAIRS or len(levels) < 2:
        short = stats.not_enough(n, MIN_PAIRS)
        return DimensionAgreement(
            dimension, title, n, applications, levels, short, short, None, None
        )
    shares = [s for s, _, _ in triples]
    given = [float(level) for _, level, _ in triples]
    counts = [c for _, _, c in triples]
    table: dict[tuple[int, int], int] = defaultdict(int)
    for share_value, level, count in triples:
        table[(level, evidence_level(share_value, levels))] += count
    kappa_levels = sorted(set(levels) | {level for level, _ in table})
    return DimensionAgreement(
        dimension,
        title,
        n,
        applications,
        levels,
        stats.estimate(n, stats.spearman(shares, given, counts), MIN_PAIRS),
        stats.estimate(n, stats.weighted_kappa(dict(table), kappa_levels), MIN_PAIRS),
        stats.weighted_mean(shares, counts),
        stats.weighted_mean(given, counts),
    )

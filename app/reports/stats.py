"""The statistics of the assessment reports, as pure functions on plain numbers (no database).

Pure Python on purpose: the web app does not depend on numpy or scipy (they live in the grading
image and in the test oracle). Inputs are *weighted*: `(value, count)` rows, so the callers can
let SQL group identical observations and the work here grows with distinct values, not with
candidates. tests/reports/test_stats.py checks every function against hand-computed values and
scipy / scikit-learn.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)
BOOTSTRAP_RESAMPLES = 1000
# Up to this many candidates the bootstrap resamples candidates; above it, it draws the resampled
# moments from their normal limit (the central limit theorem on n ≥ 200 sums), which costs the
# same whatever n is. tests/reports/test_stats.py compares both regimes with scipy's bootstrap.
EXACT_BOOTSTRAP_MAX = 200


@dataclass(frozen=True)
class Estimate:
    """A statistic with its sample size; `value` is None when n is below the minimum."""

    n: int
    value: float | None
    low: float | None = None  # 95% interval, where the statistic has one
    high: float | None = None
    minimum: int = 0
    missing: str = "not enough data"  # what the page says instead of a None value

    @property
    def enough(self) -> bool:
        return self.value is not None


def not_enough(n: int, minimum: int) -> Estimate:
    return Estimate(n=n, value=None, minimum=minimum)


def estimate(n: int, value: float | None, minimum: int) -> Estimate:
    """An Estimate of a statistic computed on enough data; None means it is undefined there."""
    return Estimate(n, value, minimum=minimum, missing="undefined: no variance")


# --- weighted moments ------------------------------------------------------------------------


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    w = np.asarray(weights, dtype=float)
    return float(np.dot(np.asarray(values, dtype=float), w) / w.sum())


def pearson(xs: Sequence[float], ys: Sequence[float], weights: Sequence[float]) -> float | None:
    """Pearson's r of weighted pairs; None when either side is constant."""
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = float(w.sum())
    dx, dy = x - float(np.dot(x, w)) / n, y - float(np.dot(y, w)) / n
    sxy, sxx, syy = float(np.dot(w * dx, dy)), float(np.dot(w * dx, dx)), float(np.dot(w * dy, dy))
    if sxx <= 1e-12 * max(1.0, n) or syy <= 1e-12 * max(1.0, n):
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def average_ranks(values: Sequence[float], weights: Sequence[int]) -> list[float]:
    """The 1-based rank of each value among the weighted sample, ties sharing their mean rank."""
    totals: dict[float, int] = {}
    for value, weight in zip(values, weights, strict=True):
        totals[value] = totals.get(value, 0) + weight
    rank_of, below = {}, 0
    for value in sorted(totals):
        rank_of[value] = below + (totals[value] + 1) / 2
        below += totals[value]
    return [rank_of[value] for value in values]


def spearman(xs: Sequence[float], ys: Sequence[float], weights: Sequence[int]) -> float | None:
    """Spearman's rho (Pearson on average ranks), as scipy.stats.spearmanr on the expanded data."""
    return pearson(average_ranks(xs, weights), average_ranks(ys, weights), weights)


# --- reliability -----------------------------------------------------------------------------


def _alpha_from_means(k: int, item_means: Sequence[float], mean_q: float, mean_t2: float) -> float:
    """Cronbach's alpha from E[x_i], E[sum x_i²] and E[T²] (T = sum x_i); ddof cancels out."""
    items_var = mean_q - sum(m * m for m in item_means)
    total_var = mean_t2 - sum(item_means) ** 2
    if total_var <= 1e-12:
        return math.nan
    return k / (k - 1) * (1 - items_var / total_var)


def _moments(patterns: Sequence[Sequence[float]]) -> np.ndarray:
    """Per pattern: its items, then sum of squares and squared total (what alpha needs)."""
    items = np.asarray(patterns, dtype=float)
    return np.column_stack([items, (items * items).sum(axis=1), items.sum(axis=1) ** 2])


def cronbach_alpha(patterns: Sequence[Sequence[float]], counts: Sequence[int]) -> float | None:
    """Cronbach's alpha of the total over the items (columns) of weighted response patterns."""
    k = len(patterns[0]) if len(patterns) else 0
    if k < 2:
        return None
    n = sum(counts)
    means = (np.asarray(counts, dtype=float) @ _moments(patterns) / n).tolist()
    alpha = _alpha_from_means(k, means[:k], means[k], means[k + 1])
    return None if math.isnan(alpha) else alpha


def bootstrap_alpha(
    patterns: Sequence[Sequence[float]],
    counts: Sequence[int],
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> tuple[float, float] | None:
    """95% percentile bootstrap interval of Cronbach's alpha (candidates resampled)."""
    k = len(patterns[0]) if len(patterns) else 0
    n = sum(counts)
    if k < 2 or n < 2:
        return None
    rng = random.Random(seed)
    moments = _moments(patterns)
    columns = moments.T.tolist()
    draws = []
    if n <= EXACT_BOOTSTRAP_MAX:
        cumulative, running = [], 0
        for count in counts:
            running += count
            cumulative.append(running)
        indices = range(len(patterns))
        for _ in range(resamples):
            resampled = [0.0] * len(patterns)
            for index in rng.choices(indices, cum_weights=cumulative, k=n):
                resampled[index] += 1.0
            means = [sum(map(float.__mul__, col, resampled)) / n for col in columns]
            draws.append(_alpha_from_means(k, means[:k], means[k], means[k + 1]))
    else:
        weights = np.asarray(counts, dtype=float)
        mean_row = weights @ moments / n
        centred = moments - mean_row
        means = mean_row.tolist()
        size = len(means)
        factor = _cholesky(((centred * weights[:, None]).T @ centred / n).tolist())
        scale = 1 / math.sqrt(n)
        for _ in range(resamples):
            z = [rng.gauss() for _ in range(size)]
            drawn = [
                means[a] + scale * sum(factor[a][b] * z[b] for b in range(a + 1))
                for a in range(size)
            ]
            draws.append(_alpha_from_means(k, drawn[:k], drawn[k], drawn[k + 1]))
    finite = sorted(value for value in draws if not math.isnan(value))
    if len(finite) < resamples * 0.9:
        return None
    return _quantile(finite, 0.025), _quantile(finite, 0.975)


def _cholesky(matrix: list[list[float]]) -> list[list[float]]:
    """Lower factor L with L·Lᵀ = matrix, for a positive *semi*-definite matrix (a constant item
    or the dependent columns give zero pivots: their column stays zero)."""
    size = len(matrix)
    factor = [[0.0] * size for _ in range(size)]
    tolerance = 1e-12 * max(1.0, max(abs(matrix[i][i]) for i in range(size)))
    for j in range(size):
        pivot = matrix[j][j] - sum(factor[j][m] ** 2 for m in range(j))
        if pivot <= tolerance:
            continue
        root = math.sqrt(pivot)
        factor[j][j] = root
        for i in range(j + 1, size):
            factor[i][j] = (
                matrix[i][j] - sum(factor[i][m] * factor[j][m] for m in range(j))
            ) / root
    return factor


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- agreement -------------------------------------------------------------------------------


def weighted_kappa(pairs: dict[tuple[int, int], int], levels: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights for {(rating a, rating b): count} on `levels`."""
    n = sum(pairs.values())
    if n == 0 or len(levels) < 2:
        return None
    rows = {level: 0 for level in levels}
    cols = {level: 0 for level in levels}
    for (a, b), count in pairs.items():
        rows[a] += count
        cols[b] += count
    span = (max(levels) - min(levels)) ** 2
    observed = sum(count * (a - b) ** 2 / span for (a, b), count in pairs.items())
    expected = sum(rows[a] * cols[b] / n * (a - b) ** 2 / span for a in levels for b in levels)
    if expected <= 1e-12:
        return None
    return 1 - observed / expected


# --- prediction ------------------------------------------------------------------------------


def roc_auc(positives: dict[float, int], negatives: dict[float, int]) -> tuple[float, float] | None:
    """Area under the ROC curve (ties count half) and DeLong's variance of it.

    `positives`/`negatives` map a score to how many candidates of that outcome have it.
    """
    n1, n0 = sum(positives.values()), sum(negatives.values())
    if n1 < 2 or n0 < 2:
        return None
    scores = sorted(set(positives) | set(negatives))
    neg_below = pos_below = 0
    v10: dict[float, float] = {}  # per positive score: share of negatives it beats
    neg_rank: dict[float, tuple[int, int]] = {}
    for score in scores:
        p, q = positives.get(score, 0), negatives.get(score, 0)
        v10[score] = (neg_below + 0.5 * q) / n0
        neg_rank[score] = (pos_below, p)
        neg_below += q
        pos_below += p
    auc = sum(v10[s] * c for s, c in positives.items()) / n1
    v01 = {s: (n1 - neg_rank[s][0] - neg_rank[s][1] + 0.5 * neg_rank[s][1]) / n1 for s in negatives}
    s10 = sum(c * (v10[s] - auc) ** 2 for s, c in positives.items()) / (n1 - 1)
    s01 = sum(c * (v01[s] - auc) ** 2 for s, c in negatives.items()) / (n0 - 1)
    return auc, s10 / n1 + s01 / n0


def auc_estimate(
    positives: dict[float, int], negatives: dict[float, int], minimum_each: int
) -> Estimate:
    """AUC with a 95% DeLong interval, or "not enough data" below `minimum_each` per outcome."""
    n1, n0 = sum(positives.values()), sum(negatives.values())
    if min(n1, n0) < minimum_each:
        return not_enough(n1 + n0, minimum_each)
    result = roc_auc(positives, negatives)
    if result is None:
        return not_enough(n1 + n0, minimum_each)
    auc, variance = result
    half = Z95 * math.sqrt(max(variance, 0.0))
    return Estimate(n1 + n0, auc, max(0.0, auc - half), min(1.0, auc + half), minimum_each)


# --- adverse impact --------------------------------------------------------------------------


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on [[a, b], [c, d]], as scipy.stats.fisher_exact:
    the total probability of the tables (same margins) no more likely than the observed one.

    Walks outward from the mode with the ratio of successive hypergeometric probabilities and
    stops once the terms are negligible, so large tables cost what their spread costs.
    """
    row1, col1, total = a + b, a + c, a + b + c + d
    if total == 0 or row1 in (0, total) or col1 in (0, total):
        return 1.0
    low, high = max(0, row1 + col1 - total), min(row1, col1)

    def log_pmf(x: int) -> float:
        return _log_choose(col1, x) + _log_choose(total - col1, row1 - x) - _log_choose(total, row1)

    mode = min(high, max(low, (row1 + 1) * (col1 + 1) // (total + 2)))
    log_mode = log_pmf(mode)
    observed = math.exp(log_pmf(a) - log_mode)
    if observed == 0.0:  # below 1e-308 of the mode's probability: p is smaller than any shown
        return 0.0
    threshold = observed * (1 + 1e-7)
    total_p = 1.0 if observed >= 1.0 / (1 + 1e-7) else 0.0  # the mode itself, scaled to 1
    for direction in (-1, 1):
        term, x = 1.0, mode
        while low <= x + direction <= high:
            if direction == 1:
                term *= (col1 - x) * (row1 - x) / ((x + 1) * (total - col1 - row1 + x + 1))
            else:
                term *= x * (total - col1 - row1 + x) / ((col1 - x + 1) * (row1 - x + 1))
            x += direction
            if term <= threshold:
                total_p += term
            if term < observed * 1e-17:  # the rest fall off faster still: negligible
                break
    return min(1.0, total_p * math.exp(log_mode))


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

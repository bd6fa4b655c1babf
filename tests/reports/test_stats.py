"""Known-answer tests of app/reports/stats.py: hand-computed values, and scipy / scikit-learn as
the oracle (test dependencies only: the app computes everything in pure Python)."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from scipy import stats as scipy_stats
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from app.reports import stats


def expand(values, counts):
    return [v for v, c in zip(values, counts, strict=True) for _ in range(c)]


def test_pearson_and_spearman_by_hand():
    # x = 1,2,3 ; y = 1,3,2 → r = 0.5 (deviations -1,0,1 and -1,1,0: sxy=1, sxx=syy=2)
    assert stats.pearson([1, 2, 3], [1, 3, 2], [1, 1, 1]) == pytest.approx(0.5)
    # Weighted pairs equal the expanded sample.
    assert stats.pearson([1, 2], [2, 4], [3, 1]) == pytest.approx(1.0)
    assert stats.pearson([1, 1], [2, 4], [1, 1]) is None  # constant side
    # Ties: x = 1,1,2 has ranks 1.5,1.5,3.
    assert stats.average_ranks([1, 2], [2, 1]) == [1.5, 3.0]


def test_spearman_matches_scipy_with_ties():
    rng = random.Random(3)
    pairs = Counter((rng.randint(0, 4), rng.randint(1, 3)) for _ in range(300))
    xs, ys, ws = zip(*((x, y, c) for (x, y), c in pairs.items()), strict=True)
    ours = stats.spearman(xs, ys, ws)
    theirs = scipy_stats.spearmanr(expand(xs, ws), expand(ys, ws)).statistic
    assert ours == pytest.approx(theirs, abs=1e-12)


def alpha_numpy(matrix):
    matrix = np.asarray(matrix, dtype=float)
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def test_cronbach_alpha_by_hand():
    # Items (1,1),(2,3),(3,2): item vars 1 and 1, totals 2,5,5 → var 3: alpha = 2·(1 - 2/3) = 2/3.
    assert stats.cronbach_alpha([(1, 1), (2, 3), (3, 2)], [1, 1, 1]) == pytest.approx(2 / 3)
    # Weighted patterns equal the expanded sample.
    patterns, counts = [(0, 1, 0), (1, 1, 1), (0, 0, 1)], [4, 5, 2]
    matrix = expand(patterns, counts)
    assert stats.cronbach_alpha(patterns, counts) == pytest.approx(alpha_numpy(matrix))
    assert stats.cronbach_alpha([(1, 1)], [7]) is None  # no variance in the total
    assert stats.cronbach_alpha([(1,), (0,)], [3, 3]) is None  # one item: alpha undefined


def correlated_patterns(n, k, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        ability = rng.gauss(0, 1)
        rows.append(tuple(int(ability + rng.gauss(0, 1.2) > t) * 5 for t in range(-1, k - 1)))
    counted = Counter(rows)
    return list(counted), list(counted.values()), rows


@pytest.mark.parametrize("n", [60, 2000])  # the resampling regime and the normal-limit regime
def test_bootstrap_alpha_interval_matches_scipy(n):
    patterns, counts, rows = correlated_patterns(n, 5, seed=n)
    low, high = stats.bootstrap_alpha(patterns, counts, resamples=2000, seed=1)
    matrix = np.asarray(rows, dtype=float)
    reference = scipy_stats.bootstrap(
        (np.arange(n),),
        lambda index: alpha_numpy(matrix[index]),
        n_resamples=2000,
        method="percentile",
        vectorized=False,
        random_state=np.random.default_rng(5),
    ).confidence_interval
    width = reference.high - reference.low
    assert low < stats.cronbach_alpha(patterns, counts) < high
    # Two Monte Carlo runs of 2,000 resamples agree to a small share of the interval's width.
    assert low == pytest.approx(reference.low, abs=0.12 * width)
    assert high == pytest.approx(reference.high, abs=0.12 * width)


def test_weighted_kappa_matches_scikit_learn_and_hand():
    # Perfect agreement → 1; a by-hand table: a=(1,2,3,3), b=(1,3,3,2).
    assert stats.weighted_kappa({(1, 1): 3, (2, 2): 2, (3, 3): 1}, [1, 2, 3]) == pytest.approx(1)
    # Observed Σw·O = (0+1+0+1)/4 = 0.5 (weights (i-j)²/4); marginals a:1,1,2  b:1,1,2 →
    # expected = Σ r_i c_j /4 (i-j)²/4
    #          = (1·1·1 + 1·2·4 + 1·1·1 + 1·2·1 + 2·1·4 + 2·1·1)/16 = 22/16
    # kappa = 1 - 0.5 / (22/16) = 1 - 8/22 = 7/11.
    table = {(1, 1): 1, (2, 3): 1, (3, 3): 1, (3, 2): 1}
    assert stats.weighted_kappa(table, [1, 2, 3]) == pytest.approx(7 / 11)
    rng = random.Random(9)
    a = [rng.randint(1, 3) for _ in range(200)]
    b = [min(3, max(1, x + rng.choice((-1, 0, 0, 1)))) for x in a]
    ours = stats.weighted_kappa(Counter(zip(a, b, strict=True)), [1, 2, 3])
    theirs = cohen_kappa_score(a, b, labels=[1, 2, 3], weights="quadratic")
    assert ours == pytest.approx(theirs, abs=1e-12)


def naive_delong(pos, neg):
    def psi(x, y):
        return 1.0 if x > y else 0.5 if x == y else 0.0

    v10 = [sum(psi(x, y) for y in neg) / len(neg) for x in pos]
    v01 = [sum(psi(x, y) for x in pos) / len(pos) for y in neg]
    auc = sum(v10) / len(pos)
    s10 = sum((v - auc) ** 2 for v in v10) / (len(pos) - 1)
    s01 = sum((v - auc) ** 2 for v in v01) / (len(neg) - 1)
    return auc, s10 / len(pos) + s01 / len(neg)


def test_roc_auc_by_hand_and_against_scikit_learn_and_mann_whitney():
    # Positives 3, 2; negatives 1, 2: pairs (3>1, 3>2, 2>1, 2=2) → (1+1+1+0.5)/4 = 0.875.
    auc, _ = stats.roc_auc({3: 1, 2: 1}, {1: 1, 2: 1})
    assert auc == pytest.approx(0.875)
    rng = random.Random(4)
    pos = [round(rng.gauss(0.6, 0.2), 1) for _ in range(80)]
    neg = [round(rng.gauss(0.5, 0.2), 1) for _ in range(120)]
    auc, variance = stats.roc_auc(Counter(pos), Counter(neg))
    assert auc == pytest.approx(roc_auc_score([1] * 80 + [0] * 120, pos + neg), abs=1e-12)
    u = scipy_stats.mannwhitneyu(pos, neg).statistic
    assert auc == pytest.approx(u / (80 * 120), abs=1e-12)
    assert (auc, variance) == pytest.approx(naive_delong(pos, neg), abs=1e-12)
    estimate = stats.auc_estimate(Counter(pos), Counter(neg), minimum_each=5)
    half = stats.Z95 * math.sqrt(variance)
    assert (estimate.n, estimate.low, estimate.high) == (
        200,
        pytest.approx(auc - half),
        pytest.approx(auc + half),
    )
    few = stats.auc_estimate({1: 4}, {0: 30}, minimum_each=5)
    assert (few.value, few.n, few.enough) == (None, 34, False)


@pytest.mark.parametrize(
    "table",
    [
        (8, 2, 1, 5),
        (1, 9, 11, 3),
        (0, 5, 5, 0),
        (3, 3, 3, 3),
        (12, 0, 0, 1),
        (2, 7, 8, 2),
        (480, 1520, 350, 1650),
        (4000, 16000, 3600, 16400),
        (5, 0, 0, 0),
    ],
)
def test_fisher_exact_matches_scipy(table):
    a, b, c, d = table
    expected = scipy_stats.fisher_exact([[a, b], [c, d]]).pvalue
    assert stats.fisher_exact(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_fisher_exact_by_hand():
    # [[1, 0], [0, 1]]: both tables with these margins have p = 1/2 → two-sided p = 1.
    assert stats.fisher_exact(1, 0, 0, 1) == pytest.approx(1.0)
    # [[3, 0], [0, 3]]: P = 1/C(6,3) = 1/20 for this table and its mirror → 0.1.
    assert stats.fisher_exact(3, 0, 0, 3) == pytest.approx(0.1)

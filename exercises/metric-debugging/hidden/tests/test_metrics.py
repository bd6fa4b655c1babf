"""Groups metrics_match_sklearn and edge_cases (metrics): compute_metrics against scikit-learn.

Inputs are generated afresh for every grading run (from the `seed` fixture), so neither a fix
that only works for the notebook's example nor a table of known inputs passes.
"""

import numpy as np
import pandas as pd
import pytest
from debugging_support import cached, call, shorten
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

KEYS = ("precision", "recall", "f1", "roc_auc")
TOLERANCE = 1e-9
CASES = 40  # random inputs per test: the planted bugs are systematic, 40 is plenty
RUN_CASES = "result = [_hl_metrics(y, s, t) for y, s, t in CASES]"
_cache: dict = {}


def _expected(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    predicted = (scores >= threshold).astype(int)
    single_class = len(np.unique(y)) < 2
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, predicted, average="binary", zero_division=0
    )  # one call for the three: the same values as precision_score, recall_score and f1_score
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": "nan" if single_class else roc_auc_score(y, scores),
    }


def _as_container(values: np.ndarray, kind: str, rng: np.random.Generator):
    if kind == "list":
        return values.tolist()
    if kind == "series":  # a shuffled, non-default index, as after filtering a DataFrame
        return pd.Series(values, index=rng.choice(100_000, size=len(values), replace=False))
    return values


def _random_cases(kind: str, count: int, seed: list[int]) -> list[tuple]:
    """(y_true, y_score, threshold or None, y, scores, threshold used); never degenerate."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        n = int(rng.integers(20, 300))
        rate = rng.uniform(0.3, 0.7) if kind == "balanced" else rng.uniform(0.03, 0.15)
        y = (rng.random(n) < rate).astype(int)
        scores = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
        threshold = None
        if kind == "thresholds":
            scores = np.round(scores, 2)  # ties with the threshold happen
            threshold = float(np.round(rng.uniform(0.1, 0.9), 2))
        used = 0.5 if threshold is None else threshold
        predicted = scores >= used
        if y.min() == y.max() or predicted.all() or not (predicted & (y == 1)).any():
            continue  # degenerate inputs (no true positive...) are the edge-case tests' business
        container = ("array", "list", "series")[len(cases) % 3] if kind == "thresholds" else "array"
        y_in, s_in = _as_container(y, container, rng), _as_container(scores, container, rng)
        if isinstance(y_in, pd.Series):
            s_in.index = y_in.index
        cases.append((y_in, s_in, threshold, y, scores, used))
    return cases


def _edge_cases(kind: str, seed: list[int]) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(12):
        n = int(rng.integers(5, 60))
        if kind == "single_class":
            y = np.full(n, i % 2)
            scores = rng.random(n)
        else:  # nothing predicted positive, everything predicted positive, or no hit at all
            y = (rng.random(n) < 0.4).astype(int)
            y[:2] = [0, 1]
            scores = [
                rng.uniform(0, 0.45, n),
                rng.uniform(0.55, 1, n),
                np.where(y == 1, rng.uniform(0, 0.45, n), rng.uniform(0, 1, n)),
            ][i % 3]
            scores[0] = 0.9  # at least one false positive in the "no hit" case
        cases.append((y, scores, None, y, scores, 0.5))
    return cases


def _check(submission, name: str, cases: list[tuple], what: str) -> None:
    def compute():
        return call(
            submission,
            RUN_CASES,
            f"Calling compute_metrics on {what}",
            CASES=[(y, s, t) for y, s, t, *_ in cases],
        )

    answers = cached(_cache, name, compute)
    problems = []
    for (_, _, _, y, scores, threshold), answer in zip(cases, answers, strict=True):
        if "error" in answer:
            problems.append((len(y), y, scores, threshold, answer["error"]))
            continue
        expected = _expected(y, scores, threshold)
        wrong = []
        for key in KEYS:
            got, want = answer.get(key, "missing"), expected[key]
            if want == "nan":
                ok = got == "nan"
            else:
                ok = isinstance(got, float) and abs(got - want) <= TOLERANCE
            if not ok:
                shown = f"{got:.4f}" if isinstance(got, float) else got
                wrong.append(f"{key} {shown} instead of {want if want == 'nan' else f'{want:.4f}'}")
        if wrong:
            problems.append((len(y), y, scores, threshold, "; ".join(wrong)))
    if problems:
        _, y, scores, threshold, detail = min(problems, key=lambda problem: problem[0])
        pytest.fail(
            f"compute_metrics is wrong on {len(problems)} of {len(cases)} {what}. Smallest failing "
            f"case: y_true={shorten(y)}, y_score={shorten(scores)}, threshold={threshold}: "
            f"{detail}.",
            pytrace=False,
        )


@pytest.mark.group("metrics_match_sklearn")
def test_matches_scikit_learn_on_balanced_labels(submission, seed):
    _check(
        submission,
        "balanced",
        _random_cases("balanced", CASES, [seed, 101]),
        "random balanced inputs",
    )


@pytest.mark.group("metrics_match_sklearn")
def test_matches_scikit_learn_on_imbalanced_labels(submission, seed):
    _check(
        submission,
        "imbalanced",
        _random_cases("imbalanced", CASES, [seed, 202]),
        "random imbalanced inputs",
    )


@pytest.mark.group("metrics_match_sklearn")
def test_matches_scikit_learn_with_other_thresholds_and_input_types(submission, seed):
    _check(
        submission,
        "thresholds",
        _random_cases("thresholds", CASES, [seed, 303]),
        "random inputs with other thresholds (scores may equal the threshold), as lists, "
        "arrays and pandas Series",
    )


@pytest.mark.group("edge_cases")
def test_labels_of_a_single_class(submission, seed):
    _check(
        submission,
        "single_class",
        _edge_cases("single_class", [seed, 404]),
        "inputs whose labels are all 0 or all 1 (metrics 0.0 when undefined, roc_auc nan)",
    )


@pytest.mark.group("edge_cases")
def test_no_predicted_positives_or_no_true_positives(submission, seed):
    _check(
        submission,
        "one_sided_predictions",
        _edge_cases("one_sided_predictions", [seed, 505]),
        "inputs where no score, or every score, reaches the threshold, or no positive does",
    )

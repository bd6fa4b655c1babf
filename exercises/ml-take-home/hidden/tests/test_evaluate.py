"""Group imbalance_metrics: evaluate() reports metrics that make sense when only ~18% churn.

evaluate() is called on a stand-in model whose predict_proba returns fixed scores (data, never a
model the grader trained: a fitted model handed to candidate code could be kept and returned by
build_pipeline later) on public training rows, with labels drawn afresh for every grading run from
those scores (`seed`). Its values are compared here with scikit-learn's; thresholds that predict
everyone or no one are excluded, so a hard-coded `"recall": 1.0` matches nothing.
"""

import re

import numpy as np
import pandas as pd
import pytest
from churn_support import cached, call, reference_model, split, train_frame
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_auc_score

TOLERANCE = 1e-6
ROWS = 2000
DEGENERATE_MARGIN = 1e-5  # trivial values are exact; a match this close to one counts for nothing
DRAWS = 2  # independent inputs; a metric must match on every one
_cache: dict = {}

CALL_EVALUATE = """
import numpy as _hl_np


class _HLScores:
    \"\"\"Answers with the given scores for the given rows (looked up by index).\"\"\"

    classes_ = _hl_np.array([0, 1])

    def __init__(self, scores):
        self._scores = dict(scores)

    def predict_proba(self, X):
        positive = _hl_np.array([self._scores[i] for i in X.index], dtype=float)
        return _hl_np.column_stack([1 - positive, positive])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def fit(self, X, y=None):
        return self


model = _HLScores(SCORES)
_hl_out = evaluate(model, X, y)
if not isinstance(_hl_out, dict):
    result = {"error": "evaluate returned a " + type(_hl_out).__name__ + ", not a dict"}
else:
    _hl_items = []
    for _hl_key, _hl_value in _hl_out.items():
        try:
            _hl_number = float(_hl_value)
        except (TypeError, ValueError):
            _hl_items.append([str(_hl_key), None, type(_hl_value).__name__])
        else:
            if _hl_number != _hl_number:
                _hl_items.append([str(_hl_key), None, "nan"])
            else:
                _hl_items.append([str(_hl_key), _hl_number, None])
    result = {"items": _hl_items}
"""

# Thresholded metrics that stay informative when positives are rare. The key names accepted for
# each (lower case, without separators); accuracy and specificity are deliberately absent.
THRESHOLDED = {
    "precision": ("precision", "ppv"),
    "recall": ("recall", "sensitivity", "tpr", "truepositiverate", "hitrate"),
    "f1": ("f1", "fscore", "fmeasure", "f1score"),
    "f2": ("f2",),
    "balanced_accuracy": ("balanced",),
    "mcc": ("mcc", "matthews"),
}


def _evaluation(submission, starter, hidden_data, seed, draw: int):
    """evaluate()'s items on the `draw`-th random input, in a fresh process of its own."""

    def compute():
        train = train_frame(starter)
        model = reference_model().fit(*split(train))  # stays here: only its scores are sent
        rng = np.random.default_rng([seed, 17, draw])
        rows = train.sample(min(ROWS, len(train)), random_state=rng.integers(2**31))
        X = split(rows)[0].reset_index(drop=True)
        scores = model.predict_proba(X)[:, 1]
        y = pd.Series((rng.random(len(X)) < scores).astype(int), name="churned")
        with submission.fresh() as process:
            reply = call(
                process,
                CALL_EVALUATE,
                "evaluate(model, X, y) on a model with known scores and training rows",
                SCORES=[(int(i), float(s)) for i, s in zip(X.index, scores, strict=True)],
                X=X,
                y=y,
            )
        if not isinstance(reply, dict) or "error" in reply or "items" not in reply:
            message = reply.get("error") if isinstance(reply, dict) else None
            pytest.fail(message or "evaluate's answer was not understood", pytrace=False)
        return _items(reply["items"]), y.to_numpy(), scores

    return cached(_cache, f"evaluation {draw}", compute)


def _evaluations(submission, starter, hidden_data, seed) -> list:
    """The same question on DRAWS different random inputs: a hard-coded value cannot match all."""
    return [_evaluation(submission, starter, hidden_data, seed, draw) for draw in range(DRAWS)]


def _items(raw) -> list:
    """The reply's [key, number or None, kind] triples, checked (a reply is a claim)."""
    items = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str):
            value = entry[1] if isinstance(entry[1], (int, float)) else None
            items.append([entry[0], None if value is None else float(value), entry[2]])
    return items


def _normalise(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def _family(key: str) -> str | None:
    name = _normalise(key)
    if "average" in name or name in {"ap", "prauc", "aucpr", "auprc"} or "auc" in name:
        return None  # ranking metrics, checked separately
    for family, markers in THRESHOLDED.items():
        if any(marker in name for marker in markers):
            return family
    return None


def _at_every_threshold(y: np.ndarray, scores: np.ndarray) -> dict[str, np.ndarray]:
    """Each thresholded metric for every way of cutting the sorted scores (>= or >, any cut),
    without the values a degenerate answer would match."""
    order = np.argsort(-scores, kind="mergesort")
    ranked, labels = scores[order], y[order]
    # Cuts strictly between distinct scores: never "everyone positive" or "no one positive", the
    # degenerate thresholds where e.g. recall is 1.0 or precision the churn rate whatever the model.
    last_of_each_score = np.nonzero(np.diff(ranked))[0]
    tp = np.cumsum(labels)[last_of_each_score].astype(float)
    fp = np.cumsum(1 - labels)[last_of_each_score].astype(float)
    positives, negatives = labels.sum(), len(labels) - labels.sum()
    fn, tn = positives - tp, negatives - fp
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = tp / positives
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        f2 = np.where(tp > 0, 5 * tp / (5 * tp + 4 * fn + fp), 0.0)
        denominator = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = np.where(denominator > 0, (tp * tn - fp * fn) / denominator, 0.0)
    balanced = (recall + tn / negatives) / 2
    achievable = {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "f2": f2,
        "balanced_accuracy": balanced,
        "mcc": mcc,
    }
    # Values a trivial answer hits whatever the model: the constants 0 and 1 (e.g. recall 1.0 at
    # a cut just above the lowest-scored negatives), and each metric for "everyone positive" or
    # "no one positive" (precision = the churn rate, balanced accuracy 0.5, MCC 0). A hard-coded
    # number must not match one of them.
    rate = positives / len(labels)
    trivial = [0.0, 1.0, rate, 2 * rate / (1 + rate), 5 * rate / (4 * rate + 1), 0.5]
    return {
        family: np.array(
            [v for v in values if min(abs(v - t) for t in trivial) > DEGENERATE_MARGIN]
        )
        for family, values in achievable.items()
    }


@pytest.mark.group("imbalance_metrics")
def test_evaluate_returns_named_numbers(submission, starter, hidden_data, seed):
    for items, _, _ in _evaluations(submission, starter, hidden_data, seed):
        assert items, "evaluate returned an empty dict"
        bad = [f"{key} ({kind})" for key, value, kind in items if value is None]
        assert not bad, f"evaluate returned values that are not finite numbers: {', '.join(bad)}"


def _ranking_targets(y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    precision, recall, _ = precision_recall_curve(y, scores)
    return {
        "ROC AUC": roc_auc_score(y, scores),
        "average precision": average_precision_score(y, scores),
        "area under the precision-recall curve": auc(recall, precision),
    }


def _matching_keys(evaluations, matches) -> set[str]:
    """Keys whose value matches (``matches(key, value, y, scores)``) on every input."""
    keys = None
    for items, y, scores in evaluations:
        here = {
            key for key, value, _ in items if value is not None and matches(key, value, y, scores)
        }
        keys = here if keys is None else keys & here
    return keys or set()


@pytest.mark.group("imbalance_metrics")
def test_reports_a_ranking_metric_matching_scikit_learn(submission, starter, hidden_data, seed):
    evaluations = _evaluations(submission, starter, hidden_data, seed)

    def matches(key, value, y, scores):
        return any(abs(value - t) <= TOLERANCE for t in _ranking_targets(y, scores).values())

    items, y, scores = evaluations[0]
    expected = _ranking_targets(y, scores)
    assert _matching_keys(evaluations, matches), (
        f"evaluate returned {[key for key, _, _ in items]}, but none equals ROC AUC "
        f"({expected['ROC AUC']:.4f}) or average precision ({expected['average precision']:.4f}) "
        "computed by scikit-learn from the model's predict_proba scores. With imbalanced classes, "
        "report a threshold-free ranking metric, computed on probabilities, not on 0/1 predictions."
    )


@pytest.mark.group("imbalance_metrics")
def test_reports_a_thresholded_metric_for_imbalance(submission, starter, hidden_data, seed):
    evaluations = _evaluations(submission, starter, hidden_data, seed)
    items = evaluations[0][0]
    candidates = [key for key, value, _ in items if value is not None and _family(key)]
    assert candidates, (
        f"evaluate returned {[key for key, _, _ in items]}: no precision, recall, F1, balanced "
        "accuracy or MCC. Only about 18% of customers churn, so accuracy alone is misleading "
        "(predicting 'stays' for everyone is 82% accurate); report how well churners are caught."
    )

    def matches(key, value, y, scores):
        family = _family(key)
        achievable = _at_every_threshold(y, scores).get(family) if family else None
        return (
            achievable is not None
            and achievable.size > 0
            and (np.min(np.abs(achievable - value)) <= TOLERANCE)
        )

    assert _matching_keys(evaluations, matches), (
        f"evaluate returned {candidates}, but their values do not match scikit-learn's for the "
        "model's predictions at any threshold (on two different inputs): check how they are "
        "computed (e.g. positive class = 1, predictions from predict_proba compared with a "
        "threshold; a value of exactly 0 or 1, or that of predicting everyone positive, does not "
        "show anything)."
    )

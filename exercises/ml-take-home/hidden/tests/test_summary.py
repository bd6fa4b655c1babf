"""Group summary: the numbers a markdown cell headed "Summary" reports are the ones measured.

Only the rendered, visible text counts (`visible_text`: no HTML comments or hidden elements), and
only claims earn points: the first ROC AUC and average precision the Summary reports are compared
with the grader's own measurement of the candidate's pipeline under the brief's protocol
(baseline.py's validation split: 75/25, stratified, seed 0). A claim within CLAIM_TOLERANCE earns
its test; a claim more than CLAIM_TOLERANCE above the measurement, or any claim for a pipeline the
grader cannot measure, is an overclaim: the test fails and a red flag is recorded for the
interviewer. Whether the prose explains choices, limitations and next steps is no test's to judge
(word counts and keywords are satisfied by a word salad): the interviewer judges it on the
scorecard, where the Summary's text is shown as evidence (exercise.yaml `evidence`).
"""

import re

import pytest
from churn_support import (
    FIT_ON_TRAIN,
    LABEL,
    cached,
    call,
    split,
    train_frame,
    valid_scores,
)
from sandbox.runner.text import section
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

CLAIM_TOLERANCE = 0.05  # stated in the brief
NUMBER = r"(\d{1,3}(?:\.\d+)?\s?%|[01]?\.\d+)"
METRICS = {
    "ROC AUC": r"roc[\s_-]*auc|auroc|au[\s-]?roc|(?<!pr[\s_-])(?<![a-z])auc(?![a-z])",
    "average precision": r"average[\s_-]+precision|(?<![a-z])ap(?![a-z])|pr[\s_-]*auc|auprc",
}

_cache: dict = {}


def _summary(notebook) -> str | None:
    """The visible text under the first heading containing "summary", up to the next code cell."""
    return section(notebook.cells, "summary")


def _claims(text: str) -> dict[str, float]:
    """The first number reported for each metric ("ROC AUC of about 0.79", "AP: 50%")."""
    found = {}
    for metric, name in METRICS.items():
        match = re.search(rf"(?:{name})[^0-9.%\n]{{0,40}}?{NUMBER}", text, re.I)
        if match:
            raw = match.group(1).replace(" ", "")
            found[metric] = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    return found


def _measured(submission, starter) -> dict[str, float]:
    """ROC AUC and average precision of the candidate's pipeline under the brief's protocol,
    measured here from the scores of a fresh candidate process (once per module)."""

    def compute():
        train = train_frame(starter)
        fit_part, valid_part = train_test_split(
            train, test_size=0.25, stratify=train[LABEL], random_state=0
        )
        X_train, y_train = split(fit_part)
        X_valid, y_valid = split(valid_part)
        with submission.fresh() as process:
            scores = call(
                process,
                FIT_ON_TRAIN + "result = _hl_scores(_hl_model, X)",
                "Fitting build_pipeline() on the brief's validation split",
                X_train=X_train,
                y_train=y_train,
                X=X_valid,
            )
        scores = valid_scores(scores, len(X_valid), "Predicting the validation split")
        return {
            "ROC AUC": roc_auc_score(y_valid, scores),
            "average precision": average_precision_score(y_valid, scores),
        }

    return cached(_cache, "measured", compute)


def _check_claim(submission, starter, red_flag, metric: str) -> None:
    """The Summary's headline `metric` is the grader's measurement, within the tolerance.

    Reporting earns the points only when the number is right: a missing number earns nothing, a
    number the grader cannot measure (the pipeline does not fit or predict) or one more than the
    tolerance above the measurement is an overclaim (red flag), one far below it is not what was
    measured either. The prose around it is the interviewer's to judge, not a test's."""
    claims = _claims(_summary(submission.notebook) or "")
    assert metric in claims, (
        f"The Summary reports no {metric} of your pipeline: state the validation {metric} you "
        "measured under the brief's protocol (e.g. 'validation ROC AUC 0.78, average precision "
        "0.45, against 0.67 and 0.27 for the baseline')."
    )
    claimed = claims[metric]
    try:
        measured = _measured(submission, starter)[metric]
    except pytest.fail.Exception as failure:
        red_flag(
            "overclaim",
            f"the Summary reports {metric} {claimed:.3f}, but the pipeline could not be measured: "
            f"{failure}",
        )
        raise
    if claimed > measured + CLAIM_TOLERANCE:
        red_flag(
            "overclaim",
            f"the Summary reports {metric} {claimed:.3f}; the grader measured {measured:.3f} "
            "under the brief's protocol",
        )
    assert abs(claimed - measured) <= CLAIM_TOLERANCE, (
        f"The Summary reports {metric} {claimed:.3f}, but your pipeline measures {measured:.3f} "
        "under the brief's protocol (baseline.py's validation split): report what you measured, "
        f"within {CLAIM_TOLERANCE}."
    )


@pytest.mark.group("summary")
def test_summary_reports_the_measured_roc_auc(submission, starter, red_flag):
    _check_claim(submission, starter, red_flag, "ROC AUC")


@pytest.mark.group("summary")
def test_summary_reports_the_measured_average_precision(submission, starter, red_flag):
    _check_claim(submission, starter, red_flag, "average precision")

"""Helpers shared by the churn hidden tests (a private module, not a test module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

LABEL = "churned"
HOLDOUT = "holdout.csv"
CALL_TIMEOUT = 120

# Prepended to every snippet run in the candidate process. Names start with _hl_ so they cannot
# clash with the candidate's own.
CANDIDATE_HELPERS = """
def _hl_scores(model, X):
    import numpy
    if hasattr(model, "predict_proba"):
        scores = numpy.asarray(model.predict_proba(X), dtype=float)
        if scores.ndim == 2:
            scores = scores[:, -1]
    else:
        scores = numpy.asarray(model.decision_function(X), dtype=float)
    return [None if v != v else float(v) for v in scores.ravel()]
"""

FIT_ON_TRAIN = """
try:
    _hl_model
except NameError:
    _hl_model = build_pipeline()
    _hl_model.fit(X_train, y_train)
"""


def train_frame(starter) -> pd.DataFrame:
    """The training file as read before any candidate code ran (the `starter` fixture)."""
    return starter.csv("data/train.csv")


def holdout_frame(hidden_data) -> pd.DataFrame:
    return hidden_data.csv(HOLDOUT)


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Raw feature columns (exactly as read by pd.read_csv) and the 0/1 label."""
    return frame.drop(columns=LABEL), frame[LABEL]


def call(process, code: str, doing: str, timeout: float = CALL_TIMEOUT, **inputs):
    """Run `code` in a candidate process (`submission` or one from `submission.fresh()`); any
    failure becomes a readable test failure. What comes back is a claim: check it here."""
    try:
        return process.run(CANDIDATE_HELPERS + code, timeout=timeout, **inputs)
    except Exception as exc:  # SubmissionError, SubmissionTimeout, SubmissionCrashed
        pytest.fail(f"{doing} failed: {exc}", pytrace=False)


def cached(cache: dict, key: str, compute):
    """Compute once per test module; a failure is remembered and reported again, not re-run."""
    if key not in cache:
        try:
            cache[key] = ("ok", compute())
        except pytest.fail.Exception as failure:
            cache[key] = ("failed", str(failure))
    state, value = cache[key]
    if state == "failed":
        pytest.fail(value, pytrace=False)
    return value


def valid_scores(scores, rows: int, doing: str) -> np.ndarray:
    """The candidate's scores as an array, failing clearly when they are unusable."""
    if not isinstance(scores, list) or len(scores) != rows:
        count = len(scores) if isinstance(scores, list) else type(scores).__name__
        pytest.fail(f"{doing}: expected {rows} scores, got {count}", pytrace=False)
    if any(value is None for value in scores):
        pytest.fail(f"{doing}: the predicted probabilities contain NaN", pytrace=False)
    array = np.asarray(scores, dtype=float)
    if not np.isfinite(array).all():
        pytest.fail(f"{doing}: the predicted probabilities are not all finite", pytrace=False)
    return array


def baseline_model() -> Pipeline:
    """The baseline of starter/baseline.py, rebuilt here so the grader does not depend on it."""
    select = ColumnTransformer(
        [("numeric", SimpleImputer(strategy="median"), ["tenure_months", "monthly_charges"])],
        remainder="drop",
    )
    return Pipeline([("select", select), ("model", LogisticRegression())])


def reference_model() -> Pipeline:
    """An honest model, used to check evaluate() independently of the candidate's pipeline."""
    numeric = ["tenure_months", "monthly_charges", "support_tickets_90d", "last_login_days"]
    categorical = ["plan", "region", "autopay"]
    prepare = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=1000))])

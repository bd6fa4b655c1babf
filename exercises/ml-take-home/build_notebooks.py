"""Write the starter notebook and the reference notebooks of the ml-take-home exercise.

    python exercises/ml-take-home/build_notebooks.py

The reference answers are the full-marks solution with one deliberate flaw each, so they are built
from the same cells; edit the cells here, not the .ipynb files.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

INTRO = """\
# Churn prediction — take-home

Read the brief on the exercise page first: it has the problem, the data dictionary and what is
graded.
`baseline.py` is the model to beat. Budget: 90 to 120 minutes.

## The contract (what the grader calls)

Define these at the top level of the notebook, with these names and signatures:

- `load_data(path) -> pd.DataFrame`: read a CSV in the format of `data/train.csv`, keeping
  every row.
- `build_pipeline()`: return an **unfitted** scikit-learn estimator (e.g. a `Pipeline`) with
  `fit` and `predict_proba`. It is called as `build_pipeline().fit(X, y)` where
  `X = pd.read_csv(path).drop(columns="churned")` holds the raw feature columns exactly as in the
  CSV, and `y` is the 0/1 `churned` column. All preprocessing happens inside the estimator,
  including dropping any column you do not want as a feature.
- `evaluate(model, X, y) -> dict[str, float]`: score a fitted model on raw features `X` and labels
  `y`; return a metric name to value mapping.
- `test_*()`: at least two tests of your own (no arguments, plain `assert`).

End with a markdown cell headed **Summary**: your results (with numbers) and what you would do next.

## How the notebook is graded — definitions only

1. The whole notebook is run top to bottom in a fresh kernel. It must finish without errors.
2. Then the grader loads **only the definitions** from your code cells — `import` statements, `def`,
   `class`, and assignments of literal constants such as `SEED = 42` or `COLS = ["plan"]` —
   and calls your functions on data you have not seen.
   **Any other top-level code is not re-run**: a variable such as `df = load_data(...)` or
   `model = build_pipeline().fit(...)` does not exist then. So a graded function (including your
   `test_*` functions) may use imports, literal constants and the other functions you define, but
   never a variable computed at the top level. Load what a test needs inside the test.
3. Shell commands and magics (`!pip`, `%time`) are ignored; nothing can be installed.
4. Every check calls your functions in a fresh process of its own, and computes its verdict from
   what they return: the grader measures, your code does not report a score. Cell tags such as
   `raises-exception` or `skip-execution` are removed on upload; every code cell must run.
5. The ROC AUC and average precision your Summary reports are compared with the grader's own
   measurement of your pipeline on `baseline.py`'s validation split (75/25, stratified, seed 0);
   a number more than 0.05 above it counts as an overclaim.
"""

IMPORTS = """\
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from baseline import build_baseline

SEED = 42
DATA_PATH = "data/train.csv"
"""

STARTER_LOAD = '''\
def load_data(path):
    """Read a customer CSV (same format as data/train.csv) into a DataFrame, keeping every row."""
    raise NotImplementedError("load_data is yours to write")
'''

STARTER_EXPLORE_MD = """\
## 1. Look at the data

Check the basics before modelling: types, missing values, the label rate, anything suspicious.
"""

STARTER_EXPLORE = """\
df = load_data(DATA_PATH)
df.head()
"""

STARTER_PIPELINE = '''\
def build_pipeline():
    """Return an UNFITTED estimator taking the raw feature columns (everything except `churned`)."""
    raise NotImplementedError("build_pipeline is yours to write")


def evaluate(model, X, y):
    """Score a fitted model on raw features X and labels y; return {metric name: float}."""
    raise NotImplementedError("evaluate is yours to write")
'''

STARTER_TRAIN_MD = """\
## 2. Train and evaluate

Split, fit, evaluate, and compare with the baseline (`build_baseline()` from `baseline.py`).
"""

STARTER_TRAIN = """\
X = df.drop(columns="churned")
y = df["churned"]
X_train, X_valid, y_train, y_valid = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=SEED
)
model = build_pipeline().fit(X_train, y_train)
baseline = build_baseline().fit(X_train, y_train)
print("model:   ", evaluate(model, X_valid, y_valid))
print("baseline:", evaluate(baseline, X_valid, y_valid))
"""

STARTER_TESTS_MD = """\
## 3. Tests

Write at least two `test_*` functions (data validation or preprocessing correctness are good
targets) and call them below so they run with the notebook. Remember: a test may only use imports,
constants and functions — load what it needs inside it.
"""

STARTER_TESTS = """\
# def test_something():
#     data = load_data(DATA_PATH)
#     assert ..., "what went wrong"
"""

SUMMARY_PLACEHOLDER = """\
## Summary

_Replace this text with your results (with numbers, compared with the baseline), the choices you
made and why, the limitations you see, and what you would do next._
"""

SOLUTION_LOAD = '''\
EXPECTED_COLUMNS = [
    "customer_id", "signup_date", "plan", "region", "tenure_months", "monthly_charges",
    "support_tickets_90d", "last_login_days", "autopay", "discount_applied", "refund_issued",
]


def load_data(path):
    """Read a customer CSV (same format as data/train.csv) into a DataFrame, keeping every row."""
    data = pd.read_csv(path)
    missing = [column for column in EXPECTED_COLUMNS if column not in data.columns]
    if missing:
        raise ValueError(f"{path} lacks the columns {missing}")
    return data
'''

SOLUTION_EXPLORE = """\
df = load_data(DATA_PATH)
print(df.shape)
print("churn rate:", round(df["churned"].mean(), 3))
print(df.isna().mean().round(3).to_dict())
print(df.groupby("churned")["refund_issued"].mean())
"""

SOLUTION_EXPLORE_NOTE = """\
Findings: 5,000 customers, about 17% churned (imbalanced, so accuracy would be misleading:
predicting "stays" for everyone is 83% accurate). `monthly_charges` and `last_login_days` have
gaps. `refund_issued` is 1 for most churners and almost never otherwise — the data dictionary says
it is filled in *after* a customer cancels, so it is not known at prediction time: it is leakage and
must not be a feature. `customer_id` is an identifier and `signup_date` duplicates `tenure_months`.
"""

LEAKAGE_NOTE = (
    "# Not features: an ID, a duplicate of tenure, and refund_issued (known only after churn)."
)
SOLUTION_PIPELINE = '''\
NUMERIC = ["tenure_months", "monthly_charges", "support_tickets_90d", "last_login_days",
           "discount_applied"]
CATEGORICAL = ["plan", "region", "autopay"]
# Not features: an ID, a duplicate of tenure, and refund_issued (known only after churn).
EXCLUDED = ["customer_id", "signup_date", "refund_issued"]
THRESHOLD = 0.3


def build_pipeline():
    """Unfitted: impute + scale numbers, impute + one-hot categories, logistic regression."""
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    prepare = ColumnTransformer(
        [("numeric", numeric, NUMERIC), ("categorical", categorical, CATEGORICAL)],
        remainder="drop",
    )
    return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=1000))])


def evaluate(model, X, y, threshold=THRESHOLD):
    """Ranking metrics on probabilities, plus precision/recall/F1 at `threshold`."""
    scores = model.predict_proba(X)[:, 1]
    predicted = (scores >= threshold).astype(int)
    return {
        "roc_auc": float(roc_auc_score(y, scores)),
        "average_precision": float(average_precision_score(y, scores)),
        "precision": float(precision_score(y, predicted, zero_division=0)),
        "recall": float(recall_score(y, predicted, zero_division=0)),
        "f1": float(f1_score(y, predicted, zero_division=0)),
    }
'''

SOLUTION_TESTS = """\
def test_load_data_keeps_every_row_and_a_binary_label():
    data = load_data(DATA_PATH)
    assert len(data) == 5000, f"expected 5000 rows, got {len(data)}"
    assert set(data["churned"].unique()) == {0, 1}, "churned must be 0/1"
    assert 0.10 < data["churned"].mean() < 0.30, "churn rate far from the expected ~17%"


def test_pipeline_handles_missing_and_unseen_values():
    data = load_data(DATA_PATH)
    X, y = data.drop(columns="churned"), data["churned"]
    model = build_pipeline().fit(X, y)
    odd = X.head(4).copy()
    odd.loc[odd.index[0], ["monthly_charges", "last_login_days", "tenure_months"]] = np.nan
    odd.loc[odd.index[1], "region"] = "mars"
    odd.loc[odd.index[2], "plan"] = None
    scores = model.predict_proba(odd)[:, 1]
    assert np.isfinite(scores).all() and ((scores >= 0) & (scores <= 1)).all(), scores


def test_pipeline_ignores_refund_issued():
    data = load_data(DATA_PATH)
    X, y = data.drop(columns="churned"), data["churned"]
    model = build_pipeline().fit(X, y)
    flipped = X.assign(refund_issued=1 - X["refund_issued"])
    difference = np.abs(model.predict_proba(X)[:, 1] - model.predict_proba(flipped)[:, 1]).max()
    assert difference == 0, "the model uses refund_issued, which is only known after churn"


def test_evaluate_matches_sklearn_and_scores_a_perfect_ranking_as_one():
    data = load_data(DATA_PATH)
    X, y = data.drop(columns="churned"), data["churned"]
    model = build_pipeline().fit(X, y)
    metrics = evaluate(model, X, y)
    assert abs(metrics["roc_auc"] - roc_auc_score(y, model.predict_proba(X)[:, 1])) < 1e-12

    class Oracle:  # predicts the label itself: every metric should be perfect
        def predict_proba(self, X):
            return np.column_stack([1 - y.to_numpy(), y.to_numpy()])

    perfect = evaluate(Oracle(), X, y)
    assert perfect["roc_auc"] == 1 and perfect["recall"] == 1 and perfect["precision"] == 1
"""

SOLUTION_TRAIN_EXTRA = """\
fitted = build_pipeline().fit(X_train, y_train)
used = str(fitted.named_steps["prepare"].transformers_)
print("refund_issued is a feature:", "refund_issued" in used)
"""

SOLUTION_RUN_TESTS = """\
test_load_data_keeps_every_row_and_a_binary_label()
test_pipeline_handles_missing_and_unseen_values()
test_pipeline_ignores_refund_issued()
test_evaluate_matches_sklearn_and_scores_a_perfect_ranking_as_one()
print("all tests passed")
"""

SOLUTION_SUMMARY = """\
## Summary

**Result.** A logistic regression on imputed, scaled numeric features and one-hot encoded
categories reaches a validation ROC AUC of about 0.79 and an average precision of about 0.50,
against 0.67 and 0.27 for the two-column baseline. At a threshold of 0.3 it finds about half of
the churners with a precision around 0.45; the threshold should be set with the retention team
from the cost of a missed churner versus an unnecessary offer.

**Choices.** I excluded `refund_issued` because it is recorded after cancellation (leakage: with it
the validation AUC jumps to about 0.9 but the model would fail in production), `customer_id`
(an identifier) and `signup_date` (duplicates tenure). Missing values are imputed with indicators,
unknown categories are ignored, and the pipeline is deterministic (no randomness in the fit).
Because only 17% churn, I report ROC AUC, average precision and precision/recall/F1 rather than
accuracy.

**Next steps.** Validate on a time-based split, check calibration and performance per plan and
region (islands has few customers), try gradient boosting with a tuned threshold, and monitor the
churn rate and the missing-value rates of the inputs once deployed.
"""


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"reference builder out of date: {old[:60]!r} not found")
    return text.replace(old, new)


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    # Fixed cell ids keep rebuilt notebooks byte-identical.
    nb = new_notebook(
        cells=[
            new_markdown_cell(src.rstrip("\n"), id=f"cell-{i}")
            if kind == "md"
            else new_code_cell(src.rstrip("\n"), id=f"cell-{i}")
            for i, (kind, src) in enumerate(cells)
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    return nb


def starter() -> list[tuple[str, str]]:
    return [
        ("md", INTRO),
        ("code", IMPORTS),
        ("code", STARTER_LOAD),
        ("md", STARTER_EXPLORE_MD),
        ("code", STARTER_EXPLORE),
        ("code", STARTER_PIPELINE),
        ("md", STARTER_TRAIN_MD),
        ("code", STARTER_TRAIN),
        ("md", STARTER_TESTS_MD),
        ("code", STARTER_TESTS),
        ("md", SUMMARY_PLACEHOLDER),
    ]


def full_marks(
    pipeline: str = SOLUTION_PIPELINE,
    tests: str = SOLUTION_TESTS,
    run_tests: str = SOLUTION_RUN_TESTS,
    summary: str = SOLUTION_SUMMARY,
    extra: str = SOLUTION_TRAIN_EXTRA,
) -> list[tuple[str, str]]:
    return [
        ("md", INTRO),
        ("code", IMPORTS),
        ("code", SOLUTION_LOAD),
        ("md", STARTER_EXPLORE_MD),
        ("code", SOLUTION_EXPLORE),
        ("md", SOLUTION_EXPLORE_NOTE),
        ("code", pipeline),
        ("md", STARTER_TRAIN_MD),
        ("code", STARTER_TRAIN),
        ("code", extra),
        ("md", STARTER_TESTS_MD),
        ("code", tests),
        ("code", run_tests),
        ("md", summary),
    ]


def leaky() -> list[tuple[str, str]]:
    # Keeps refund_issued as a numeric feature, and drops the test that would have caught it.
    pipeline = _replace(
        SOLUTION_PIPELINE, '"discount_applied"]', '"discount_applied", "refund_issued"]'
    )
    pipeline = _replace(
        pipeline,
        LEAKAGE_NOTE + '\nEXCLUDED = ["customer_id", "signup_date", "refund_issued"]',
        "# Not features: an ID and a duplicate of tenure.\n"
        'EXCLUDED = ["customer_id", "signup_date"]',
    )
    tests = SOLUTION_TESTS.split("def test_pipeline_ignores_refund_issued")[0] + (
        "def test_evaluate_matches_sklearn_and_scores_a_perfect_ranking_as_one"
        + SOLUTION_TESTS.split(
            "def test_evaluate_matches_sklearn_and_scores_a_perfect_ranking_as_one"
        )[1]
    )
    run = _replace(SOLUTION_RUN_TESTS, "test_pipeline_ignores_refund_issued()\n", "")
    summary = _replace(
        SOLUTION_SUMMARY,
        "I excluded `refund_issued` because it is recorded after cancellation (leakage: with it\n"
        "the validation AUC jumps to about 0.9 but the model would fail in production), "
        "`customer_id`",
        "I kept `refund_issued`, the strongest feature (validation AUC about 0.9), and excluded\n"
        "`customer_id`",
    )
    return full_marks(
        pipeline=pipeline,
        tests=tests,
        run_tests=run,
        summary=summary,
        extra="print(evaluate(build_pipeline().fit(X_train, y_train), X_valid, y_valid))\n",
    )


def accuracy_only() -> list[tuple[str, str]]:
    pipeline = (
        SOLUTION_PIPELINE.split("def evaluate")[0]
        + '''def evaluate(model, X, y):
    """Share of customers classified correctly."""
    return {"accuracy": float((model.predict(X) == np.asarray(y)).mean())}
'''
    )
    tests = (
        SOLUTION_TESTS.split("def test_evaluate_matches")[0]
        + """def test_evaluate_reports_accuracy():
    data = load_data(DATA_PATH)
    X, y = data.drop(columns="churned"), data["churned"]
    model = build_pipeline().fit(X, y)
    assert 0.5 < evaluate(model, X, y)["accuracy"] <= 1
"""
    )
    run = _replace(
        SOLUTION_RUN_TESTS,
        "test_evaluate_matches_sklearn_and_scores_a_perfect_ranking_as_one()",
        "test_evaluate_reports_accuracy()",
    )
    return full_marks(pipeline=pipeline, tests=tests, run_tests=run)


def no_tests() -> list[tuple[str, str]]:
    return full_marks(tests="# no time left for tests\n", run_tests="print('skipped')\n")


def vacuous_tests() -> list[tuple[str, str]]:
    tests = """\
def test_load_data():
    data = load_data(DATA_PATH)
    assert data is not None


def test_pipeline():
    model = build_pipeline()
    assert True


def test_evaluate():
    assert isinstance(evaluate, object)
"""
    run = "test_load_data()\ntest_pipeline()\ntest_evaluate()\n"
    return full_marks(tests=tests, run_tests=run)


def non_reproducible() -> list[tuple[str, str]]:
    pipeline = _replace(
        SOLUTION_PIPELINE,
        'return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=1000))])',
        "forest = RandomForestClassifier(n_estimators=60, min_samples_leaf=10, n_jobs=1)\n"
        '    return Pipeline([("prepare", prepare), ("model", forest)])',
    )
    pipeline = _replace(pipeline, "logistic regression.", "random forest.")
    pipeline = "from sklearn.ensemble import RandomForestClassifier\n\n" + pipeline
    return full_marks(pipeline=pipeline)


def constant_model() -> list[tuple[str, str]]:
    # Predicts the training churn rate for everyone: trivially "robust" and "reproducible".
    pipeline = _replace(
        SOLUTION_PIPELINE,
        'return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=1000))])',
        'return Pipeline([("prepare", prepare), ("model", DummyClassifier(strategy="prior"))])',
    )
    pipeline = "from sklearn.dummy import DummyClassifier\n\n" + pipeline
    return full_marks(pipeline=pipeline)


def crashes_midway() -> list[tuple[str, str]]:
    # Everything is defined, but a top-level cell after training uses a column that does not exist.
    extra = 'print(df.groupby("contract_type")["churned"].mean())\n'
    return full_marks(extra=extra)


REFERENCES = {
    "full-marks.ipynb": full_marks,
    "untouched.ipynb": starter,
    "leaky.ipynb": leaky,
    "accuracy-only.ipynb": accuracy_only,
    "no-tests.ipynb": no_tests,
    "vacuous-tests.ipynb": vacuous_tests,
    "non-reproducible.ipynb": non_reproducible,
    "crashes-midway.ipynb": crashes_midway,
    "constant-model.ipynb": constant_model,
}


def _text(cells: list[tuple[str, str]]) -> bytes:
    text = nbformat.writes(notebook(cells))
    return (text if text.endswith("\n") else text + "\n").encode()


def build() -> dict[Path, bytes]:
    """Every notebook this script owns, as the exact bytes committed."""
    files = {HERE / "starter" / "churn.ipynb": _text(starter())}
    for name, cells in REFERENCES.items():
        files[HERE / "reference" / name] = _text(cells())
    return files


def main() -> None:
    for path, content in build().items():
        path.write_bytes(content)
    print(f"wrote starter/churn.ipynb and {len(REFERENCES)} reference notebooks")


if __name__ == "__main__":
    main()

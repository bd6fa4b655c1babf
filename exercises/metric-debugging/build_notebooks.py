"""Write the starter notebook and the reference notebooks of the metric-debugging exercise.

    python exercises/metric-debugging/build_notebooks.py

The references are variations of the starter's cells; edit the cells here, not the .ipynb files.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

INTRO = """\
# Debugging an evaluation step

Read the brief on the exercise page first. Budget: 30 to 45 minutes.

The churn team's evaluation step reports numbers that look wrong, and the check at the bottom of
this notebook fails. Find the **root causes**, fix `compute_metrics` and `time_split` so that they
do what their docstrings say **for any input** (not only the example), and explain what was wrong
in the markdown cell headed **Root cause** at the end.

## How the notebook is graded — definitions only

1. The whole notebook is run top to bottom in a fresh kernel. It must finish without errors.
2. Then the grader loads **only the definitions** from your code cells — `import` statements, `def`,
   `class`, and assignments of literal constants such as `THRESHOLD = 0.5` — and calls
   `compute_metrics` and `time_split` on many inputs you have not seen, comparing them with
   scikit-learn and with what the docstrings promise. **Any other top-level code is not re-run**, so
   the graded functions may use imports, literal constants and other functions you define, but no
   variable computed at the top level.
3. Keep the names and signatures of the two functions. Nothing can be installed.
4. Every check calls your functions in a fresh process, on inputs generated anew for each grading,
   and computes its verdict from what they return (and from what they leave in the inputs they were
   given). Cell tags such as `raises-exception` or `skip-execution` are removed on upload.
5. The Root cause is read by your interviewers, not scored by a test, as it renders (comments and
   hidden HTML do not show): for each problem, say in a sentence what the code did wrong and what
   it does now.
"""

IMPORTS = """\
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
"""

DOCSTRING_METRICS = '''\
    """Binary classification metrics for labels `y_true` (0/1) and scores `y_score` in [0, 1].

    A score greater than or equal to `threshold` is a positive prediction. Returns floats under
    the keys "precision", "recall", "f1" and "roc_auc". precision, recall and f1 are 0.0 when they
    are undefined (no predicted positives, or no actual positives); roc_auc is computed from the
    scores and is nan when `y_true` holds only one class.
    """
'''

STARTER_METRICS = (
    "def compute_metrics(y_true, y_score, threshold=0.5):\n"
    + DOCSTRING_METRICS
    + """\
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score)
    y_pred = (y_score >= threshold).astype(int)
    tp = int(((y_pred == 1) & (y_true == 1)).sum())
    fp = int(((y_pred == 1) & (y_true == 0)).sum())
    fn = int(((y_pred == 0) & (y_true == 1)).sum())
    precision = tp / (tp + fn)
    recall = tp / (tp + fp)
    f1 = 2 * precision * recall / (precision + recall)
    roc_auc = roc_auc_score(y_true, y_pred)
    return {"precision": precision, "recall": recall, "f1": f1, "roc_auc": roc_auc}
"""
)

DOCSTRING_SPLIT = '''\
    """Split `df` by time: train holds the rows strictly before `cutoff`, test the rows on or after.

    `cutoff` is a date string such as "2024-03-01" or a pandas Timestamp; `df[date_column]` holds
    dates (datetime values or "YYYY-MM-DD" strings). Every row lands on exactly one side, with its
    columns and values unchanged. Either side may be empty.
    """
'''

STARTER_SPLIT = (
    'def time_split(df, cutoff, date_column="date"):\n'
    + DOCSTRING_SPLIT
    + """\
    cutoff = pd.Timestamp(cutoff)
    dates = pd.to_datetime(df[date_column])
    train = df[dates <= cutoff]
    test = df[dates >= cutoff]
    return train, test
"""
)

CHECK_MD = """\
## The check that fails

Scores of a model on six days of customers, split at 4 March. The expected values were computed by
hand for the test side (the 8 rows on or after the cutoff).
"""

CHECK = """\
events = pd.DataFrame({
    "date": pd.to_datetime([
        "2024-03-01", "2024-03-01", "2024-03-02", "2024-03-02", "2024-03-03", "2024-03-03",
        "2024-03-04", "2024-03-04", "2024-03-04", "2024-03-05", "2024-03-05",
        "2024-03-06", "2024-03-06", "2024-03-06",
    ]),
    "y_true": [0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
    "y_score": [0.2, 0.7, 0.4, 0.1, 0.8, 0.3, 0.9, 0.6, 0.4, 0.2, 0.7, 0.55, 0.8, 0.1],
})
train, test = time_split(events, "2024-03-04")
assert len(train) + len(test) == len(events), f"{len(train)} + {len(test)} rows != {len(events)}"
assert (len(train), len(test)) == (6, 8), f"expected 6 and 8 rows, got {len(train)}, {len(test)}"

metrics = compute_metrics(test["y_true"], test["y_score"])
expected = {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "roc_auc": 0.875}
for name, value in expected.items():
    assert abs(metrics[name] - value) < 1e-4, f"{name}: got {metrics[name]:.4f}, expected {value}"
print("check passed:", metrics)
"""

ROOT_CAUSE_PLACEHOLDER = """\
## Root cause

_Replace this text: for each problem, what was wrong, why it produced the numbers it did, and how
you fixed it. Mention how you would stop it from coming back._
"""

FIXED_METRICS = (
    "def compute_metrics(y_true, y_score, threshold=0.5):\n"
    + DOCSTRING_METRICS
    + """\
    y_true = np.asarray(y_true).astype(int)
    y_score = np.asarray(y_score, dtype=float)
    y_pred = (y_score >= threshold).astype(int)
    tp = int(((y_pred == 1) & (y_true == 1)).sum())
    fp = int(((y_pred == 1) & (y_true == 0)).sum())
    fn = int(((y_pred == 0) & (y_true == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    if len(np.unique(y_true)) < 2:
        roc_auc = float("nan")  # undefined with one class
    else:
        roc_auc = float(roc_auc_score(y_true, y_score))  # ranks the scores, not 0/1 predictions
    return {"precision": precision, "recall": recall, "f1": f1, "roc_auc": roc_auc}
"""
)

FIXED_SPLIT = (
    'def time_split(df, cutoff, date_column="date"):\n'
    + DOCSTRING_SPLIT
    + """\
    cutoff = pd.Timestamp(cutoff)
    before = pd.to_datetime(df[date_column]) < cutoff
    return df[before], df[~before]
"""
)

REGRESSION_TESTS = """\
def test_precision_and_recall_are_not_swapped():
    # 1 true positive, 2 false positives, 0 false negatives
    metrics = compute_metrics([1, 0, 0, 0], [0.9, 0.8, 0.7, 0.1])
    assert metrics["precision"] == 1 / 3 and metrics["recall"] == 1.0, metrics


def test_cutoff_day_is_only_in_test():
    frame = pd.DataFrame({"date": ["2024-03-03", "2024-03-04", "2024-03-05"], "x": [1, 2, 3]})
    train, test = time_split(frame, "2024-03-04")
    assert list(train["x"]) == [1] and list(test["x"]) == [2, 3]


test_precision_and_recall_are_not_swapped()
test_cutoff_day_is_only_in_test()
"""

ROOT_CAUSE = """\
## Root cause

Three bugs, plus one latent crash:

1. **Precision and recall were swapped.** Precision is TP / (TP + FP) (how many flagged customers
   really churn) and recall is TP / (TP + FN) (how many churners we catch); the code divided by the
   other denominator. F1 looked right because it is symmetric in the two, which hid the bug.
2. **ROC AUC was computed on thresholded 0/1 predictions** instead of the scores. AUC measures how
   well the scores rank positives above negatives; on hard labels it collapses to
   (TPR + TNR) / 2 at one threshold (0.625 here instead of 0.875).
3. **The split put the cutoff day on both sides** (`<=` for train and `>=` for test), so rows from
   4 March were duplicated: the test set leaked into training and the row counts did not add up.
   Train is now strictly before the cutoff and test is everything else, so every row lands on
   exactly one side.
4. Undefined metrics (no predicted positives, a single class) divided by zero; they now return
   0.0, and ROC AUC returns nan when only one class is present, as the docstring says.

I added regression tests for the swap and the boundary day. Next time I would compare such
hand-written metrics with scikit-learn on random inputs in CI.
"""


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise ValueError(f"reference builder out of date: {old[:60]!r} not found")
    return text.replace(old, new)


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    # Fixed cell ids keep rebuilt notebooks byte-identical.
    made = [
        new_markdown_cell(source.rstrip("\n"), id=f"cell-{i}")
        if kind == "md"
        else new_code_cell(source.rstrip("\n"), id=f"cell-{i}")
        for i, (kind, source) in enumerate(cells)
    ]
    return new_notebook(
        cells=made,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )


def starter() -> list[tuple[str, str]]:
    return [
        ("md", INTRO), ("code", IMPORTS), ("code", STARTER_METRICS), ("code", STARTER_SPLIT),
        ("md", CHECK_MD), ("code", CHECK), ("md", ROOT_CAUSE_PLACEHOLDER),
    ]  # fmt: skip


def solved(
    metrics: str = FIXED_METRICS,
    split: str = FIXED_SPLIT,
    root_cause: str = ROOT_CAUSE,
    tests: str = REGRESSION_TESTS,
) -> list[tuple[str, str]]:
    return [
        ("md", INTRO), ("code", IMPORTS), ("code", metrics), ("code", split), ("md", CHECK_MD),
        ("code", CHECK), ("code", tests), ("md", root_cause),
    ]  # fmt: skip


def partial_fix() -> list[tuple[str, str]]:
    # compute_metrics fixed, time_split untouched: the check still fails on the row counts.
    root_cause = """\
## Root cause

Precision and recall were swapped in compute_metrics: precision must divide by TP + FP and recall
by TP + FN. ROC AUC was computed from the thresholded predictions rather than from the scores, so
I pass the scores now. I also guard against division by zero.
"""
    tests = REGRESSION_TESTS.split("def test_cutoff_day_is_only_in_test")[0] + (
        "test_precision_and_recall_are_not_swapped()\n"
    )
    return solved(split=STARTER_SPLIT, root_cause=root_cause, tests=tests)


def hard_coded() -> list[tuple[str, str]]:
    # Makes the visible check pass by special-casing its inputs; the bugs are still there.
    metrics = _replace(
        STARTER_METRICS,
        "    y_true = np.asarray(y_true)\n",
        "    if len(y_true) == 8 and round(float(np.sum(y_score)), 6) == 4.25:  # the check\n"
        '        return {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "roc_auc": 0.875}\n'
        "    y_true = np.asarray(y_true)\n",
    )
    split = _replace(
        STARTER_SPLIT,
        "    cutoff = pd.Timestamp(cutoff)\n",
        "    if len(df) == 14:  # the example in the check\n"
        "        return df.iloc[:6], df.iloc[6:]\n"
        "    cutoff = pd.Timestamp(cutoff)\n",
    )
    root_cause = """\
## Root cause

The metrics did not match the expected values in the check, and the split returned too many rows.
I changed both functions so that they return the expected results and the check passes now.
"""
    return solved(metrics=metrics, split=split, root_cause=root_cause, tests="")


def no_root_cause() -> list[tuple[str, str]]:
    return solved(root_cause=ROOT_CAUSE_PLACEHOLDER)


def edge_case_crash() -> list[tuple[str, str]]:
    # The three bugs are fixed, but undefined metrics still divide by zero.
    metrics = _replace(
        STARTER_METRICS,
        """    precision = tp / (tp + fn)
    recall = tp / (tp + fp)
    f1 = 2 * precision * recall / (precision + recall)
    roc_auc = roc_auc_score(y_true, y_pred)""",
        """    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    roc_auc = roc_auc_score(y_true, y_score)""",
    )
    return solved(metrics=metrics)


def drops_cutoff_day() -> list[tuple[str, str]]:
    # "Fixes" the overlap by excluding the cutoff day from both sides: rows are lost.
    split = _replace(STARTER_SPLIT, "test = df[dates >= cutoff]", "test = df[dates > cutoff]")
    split = _replace(split, "train = df[dates <= cutoff]", "train = df[dates < cutoff]")
    return solved(split=split, tests=REGRESSION_TESTS.split("def test_cutoff_day")[0]
                  + "test_precision_and_recall_are_not_swapped()\n")  # fmt: skip


REFERENCES = {
    "full-marks.ipynb": solved,
    "untouched.ipynb": starter,
    "partial-fix.ipynb": partial_fix,
    "hard-coded.ipynb": hard_coded,
    "no-root-cause.ipynb": no_root_cause,
    "edge-case-crash.ipynb": edge_case_crash,
    "drops-cutoff-day.ipynb": drops_cutoff_day,
}


def _text(cells: list[tuple[str, str]]) -> bytes:
    text = nbformat.writes(notebook(cells))
    return (text if text.endswith("\n") else text + "\n").encode()


def build() -> dict[Path, bytes]:
    """Every notebook this script owns, as the exact bytes committed."""
    files = {HERE / "starter" / "debugging.ipynb": _text(starter())}
    for name, cells in REFERENCES.items():
        files[HERE / "reference" / name] = _text(cells())
    return files


def main() -> None:
    for path, content in build().items():
        path.write_bytes(content)
    print(f"wrote starter/debugging.ipynb and {len(REFERENCES)} reference notebooks")


if __name__ == "__main__":
    main()

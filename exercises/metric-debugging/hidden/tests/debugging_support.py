"""Helpers shared by the metric-debugging hidden tests (a private module, not a test module)."""

from __future__ import annotations

import pytest

CALL_TIMEOUT = 60

# Prepended to snippets run in the candidate process: each case is run on its own, so one crash
# is reported for that case instead of failing the whole batch; nan travels as the string "nan".
CANDIDATE_HELPERS = """
import math as _hl_math


def _hl_number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "not a number: " + type(value).__name__
    return "nan" if _hl_math.isnan(number) else number


def _hl_metrics(y_true, y_score, threshold):
    try:
        if threshold is None:
            out = compute_metrics(y_true, y_score)
        else:
            out = compute_metrics(y_true, y_score, threshold=threshold)
    except BaseException as exc:
        return {"error": (type(exc).__name__ + ": " + str(exc))[:300]}
    if not isinstance(out, dict):
        return {"error": "compute_metrics returned a " + type(out).__name__ + ", not a dict"}
    return {str(k): _hl_number(v) for k, v in out.items()}


def _hl_after(df):
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(d) for d in df.dtypes],
        "index": [int(i) for i in df.index],
        "rows": [[int(r), str(d), float(v)] for r, d, v in
                 zip(df["row_id"], df["date"], df["value"])],
    }


def _hl_split(df, cutoff):
    try:
        train, test = time_split(df, cutoff)
        sides = []
        for side in (train, test):
            sides.append({
                "columns": [str(c) for c in side.columns],
                "rows": [[int(r), str(d)[:10], float(v)] for r, d, v in
                         zip(side["row_id"], side["date"], side["value"])],
            })
        return {"train": sides[0], "test": sides[1], "input_after": _hl_after(df)}
    except BaseException as exc:
        return {"error": (type(exc).__name__ + ": " + str(exc))[:300]}
"""


def call(submission, code: str, doing: str, **inputs):
    """Run `code` in the candidate process; turn any failure into a readable test failure.

    What comes back is a claim (raw values): every comparison is made in the test."""
    try:
        return submission.run(CANDIDATE_HELPERS + code, timeout=CALL_TIMEOUT, **inputs)
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


def shorten(values, limit: int = 12) -> str:
    """A readable, truncated rendering of an input for failure messages."""
    values = [int(v) if float(v).is_integer() else round(float(v), 3) for v in values]
    text = ", ".join(str(v) for v in values[:limit])
    return f"[{text}{', ...' if len(values) > limit else ''}] ({len(values)} values)"

"""Groups split_invariants and edge_cases (split): time_split on many random frames.

Every frame has a unique `row_id`, so rows are followed by identity rather than by index; frames
come shuffled, with a non-default index, and cutoffs usually fall on a day present in the data.
Frames are drawn afresh for every grading run (`seed`), so a table of known inputs does not help.
What time_split leaves in the caller's frame comes back too and is compared here with a copy.
"""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from debugging_support import cached, call

RUN_CASES = "result = [_hl_split(df, cutoff) for df, cutoff in CASES]"
COLUMNS = ["row_id", "date", "value", "label"]
CASES = 40  # random frames per test
_cache: dict = {}


def _frame(rng: np.random.Generator, rows: int, string_dates: bool) -> pd.DataFrame:
    start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
    dates = start + pd.to_timedelta(rng.integers(0, 20, size=rows), unit="D")
    frame = pd.DataFrame(
        {
            "row_id": rng.permutation(rows) + 1000,
            "date": dates,
            "value": rng.normal(size=rows).round(3),
            "label": rng.integers(0, 2, size=rows),
        },
        index=rng.choice(100_000, size=rows, replace=False),
    )
    if string_dates:
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    return frame


def _random_cases(count: int, seed: list[int], mixed: bool) -> list[tuple[pd.DataFrame, object]]:
    """Frames with cutoffs on a day in the data; `mixed` adds string dates and absent days."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        frame = _frame(rng, int(rng.integers(5, 150)), string_dates=mixed and i % 2 == 0)
        days = pd.to_datetime(frame["date"])
        cutoff = pd.Timestamp(rng.choice(days.to_numpy()))
        if mixed and i % 4 == 1:
            cutoff += pd.Timedelta(days=int(rng.integers(-3, 4)))  # may be absent from the data
        cases.append((frame, cutoff if (mixed and i % 3 == 0) else cutoff.strftime("%Y-%m-%d")))
    return cases


def _edge_cases(seed: list[int]) -> list[tuple[pd.DataFrame, object]]:
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(8):
        frame = _frame(rng, int(rng.integers(3, 40)), string_dates=i % 2 == 1)
        days = pd.to_datetime(frame["date"])
        cutoff = [
            days.min() - pd.Timedelta(days=5),  # everything in test
            days.max() + pd.Timedelta(days=5),  # everything in train
            days.min(),  # train empty: the first day belongs to test
            days.max(),  # test holds only the last day
        ][i % 4]
        cases.append((frame, cutoff.strftime("%Y-%m-%d")))
    return cases


def _answers(submission, name: str, cases, what: str) -> list[dict]:
    def compute():
        return call(submission, RUN_CASES, f"Calling time_split on {what}", CASES=cases)

    return cached(_cache, name, compute)


def _describe(frame: pd.DataFrame, cutoff) -> str:
    days = pd.to_datetime(frame["date"])
    return (
        f"a {len(frame)}-row frame with {frame['date'].dtype} dates from "
        f"{days.min():%Y-%m-%d} to {days.max():%Y-%m-%d}, cutoff {cutoff!r}"
    )


def _report(problems: list[tuple[pd.DataFrame, object, str]], total: int, promise: str) -> None:
    if problems:
        frame, cutoff, detail = min(problems, key=lambda problem: len(problem[0]))
        pytest.fail(
            f"On {len(problems)} of {total} random frames, time_split breaks its promise that "
            f"{promise}. Smallest case: {_describe(frame, cutoff)}: {detail}.",
            pytrace=False,
        )


def _exact_sides(frame: pd.DataFrame, cutoff, answer: dict) -> str | None:
    """None when the answer is exactly the expected split, else what is wrong."""
    if "error" in answer:
        return answer["error"]
    before = pd.to_datetime(frame["date"]) < pd.Timestamp(cutoff)
    for side, rows in (("train", frame[before]), ("test", frame[~before])):
        got = sorted(row[0] for row in answer[side]["rows"])
        if got != sorted(rows["row_id"].tolist()):
            return f"{side} has {len(got)} row(s), expected {len(rows)}"
        if answer[side]["columns"] != COLUMNS:
            return f"{side} has the columns {answer[side]['columns']}, expected {COLUMNS}"
    return None


@pytest.mark.group("split_invariants")
def test_every_row_lands_on_exactly_one_side_unchanged(submission, seed):
    cases = _random_cases(CASES, [seed, 11], mixed=False)
    answers = _answers(submission, "random", cases, "random frames")
    problems = []
    for (frame, cutoff), answer in zip(cases, answers, strict=True):
        if "error" in answer:
            problems.append((frame, cutoff, answer["error"]))
            continue
        rows = answer["train"]["rows"] + answer["test"]["rows"]
        counts = Counter(row[0] for row in rows)
        twice = sum(1 for count in counts.values() if count > 1)
        lost = len(set(frame["row_id"]) - set(counts))
        original = {
            int(r): [str(d)[:10], float(v)]
            for r, d, v in zip(frame["row_id"], frame["date"], frame["value"], strict=True)
        }
        changed = sum(1 for row in rows if original.get(row[0]) != row[1:])
        columns = [
            answer[s]["columns"] for s in ("train", "test") if answer[s]["columns"] != COLUMNS
        ]
        if twice or lost or changed or columns:
            detail = f"{twice} row(s) on both sides, {lost} row(s) lost, {changed} row(s) changed"
            problems.append((frame, cutoff, detail + (", columns changed" if columns else "")))
    _report(problems, len(cases), "every row lands on exactly one side, unchanged")


@pytest.mark.group("split_invariants")
def test_train_is_before_the_cutoff_and_test_on_or_after(submission, seed):
    cases = _random_cases(CASES, [seed, 11], mixed=False)
    answers = _answers(submission, "random", cases, "random frames")
    problems = []
    for (frame, cutoff), answer in zip(cases, answers, strict=True):
        if "error" in answer:
            problems.append((frame, cutoff, answer["error"]))
            continue
        day = pd.Timestamp(cutoff).strftime("%Y-%m-%d")
        late = [row[1] for row in answer["train"]["rows"] if row[1] >= day]
        early = [row[1] for row in answer["test"]["rows"] if row[1] < day]
        if late or early:
            problems.append(
                (frame, cutoff, f"{len(late)} train row(s) on or after the cutoff day, "
                 f"{len(early)} test row(s) before it")
            )  # fmt: skip
    _report(problems, len(cases), "train is strictly before the cutoff and test on or after it")


@pytest.mark.group("split_invariants")
def test_string_and_timestamp_dates_and_cutoffs(submission, seed):
    cases = _random_cases(CASES, [seed, 22], mixed=True)
    answers = _answers(submission, "mixed", cases, "frames with string and datetime dates")
    problems = [
        (frame, cutoff, detail)
        for (frame, cutoff), answer in zip(cases, answers, strict=True)
        if (detail := _exact_sides(frame, cutoff, answer))
    ]
    _report(problems, len(cases), "it splits string dates and Timestamp or string cutoffs exactly")


@pytest.mark.group("edge_cases")
def test_a_side_may_be_empty(submission, seed):
    cases = _edge_cases([seed, 33])
    answers = _answers(submission, "edges", cases, "cutoffs at or beyond the ends of the data")
    problems = [
        (frame, cutoff, detail)
        for (frame, cutoff), answer in zip(cases, answers, strict=True)
        if (detail := _exact_sides(frame, cutoff, answer))
    ]
    _report(problems, len(cases), "cutoffs at or beyond either end of the data split correctly")


def _as_sent(frame: pd.DataFrame) -> dict:
    """The caller's frame as the candidate process reports it back (see `_hl_split`)."""
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(d) for d in frame.dtypes],
        "index": [int(i) for i in frame.index],
        "rows": [
            [int(r), str(d), float(v)]
            for r, d, v in zip(frame["row_id"], frame["date"], frame["value"], strict=True)
        ],
    }


@pytest.mark.group("split_invariants")
def test_the_callers_frame_is_left_unchanged(submission, seed, red_flag):
    cases = _random_cases(CASES, [seed, 22], mixed=True)
    answers = _answers(submission, "mixed", cases, "frames with string and datetime dates")
    problems = []
    for (frame, cutoff), answer in zip(cases, answers, strict=True):
        if "error" in answer:
            problems.append((frame, cutoff, answer["error"]))
        elif answer.get("input_after") != _as_sent(frame):
            problems.append((frame, cutoff, "the frame passed in was modified"))
    if any("modified" in detail for _, _, detail in problems):
        red_flag("input_mutation", "time_split modifies the DataFrame its caller passes in")
    _report(problems, len(cases), "it leaves the caller's frame unchanged (no in-place edits)")

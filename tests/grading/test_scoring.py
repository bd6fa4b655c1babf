"""Scoring: points per group from test outcomes, then per rubric dimension; pure functions."""

from __future__ import annotations

import pytest

from app.grading.exercises import load_exercise
from app.grading.scoring import score
from sandbox.results import GradingResult, TestOutcome
from tests.grading.conftest import FIXTURES


@pytest.fixture
def tiny():
    return load_exercise(FIXTURES, "tiny")


def _result(*outcomes: tuple[str, str], status: str = "completed") -> GradingResult:
    tests = tuple(
        TestOutcome(f"t::{i}", group, outcome, "why" if outcome != "passed" else "")
        for i, (group, outcome) in enumerate(outcomes)
    )
    return GradingResult(status=status, message="done", tests=tests)


def test_full_marks(tiny):
    result = _result(("basics", "passed"), ("basics", "passed"), ("accuracy", "passed"))
    scored = score(result, tiny)
    assert (scored.score, scored.max_score) == (10, 10)
    assert scored.by_dimension() == {"python_engineering": (4, 4), "ml_fundamentals": (6, 6)}


def test_points_are_proportional_and_errors_count_as_failed(tiny):
    result = _result(
        ("basics", "passed"),
        ("basics", "error"),
        ("accuracy", "passed"),
        ("accuracy", "failed"),
        ("accuracy", "skipped"),
    )
    groups = {g.group_id: g for g in score(result, tiny).groups}
    assert groups["basics"].score == 2 and groups["accuracy"].score == 2
    assert groups["accuracy"].message.startswith("1 of 3 checks passed. why")


def test_a_group_without_outcomes_scores_zero_and_says_why(tiny):
    scored = score(GradingResult.failed("timeout", "cell 2 timed out"), tiny)
    assert scored.score == 0
    assert all(g.message == "Not checked: cell 2 timed out" for g in scored.groups)


def test_tests_of_unknown_groups_do_not_score(tiny):
    scored = score(_result(("basics", "passed"), ("bogus", "passed")), tiny)
    assert scored.score == 4

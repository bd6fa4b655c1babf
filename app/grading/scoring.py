"""From a sandbox verdict to points: per test group, then per rubric dimension.

A group scores `points * passed / tests in the group`; errors and skips count as not passed. A group
with no test outcome at all (the run never reached it) scores zero, with a message saying why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from app.grading.exercises import Exercise
from sandbox.results import GradingResult


@dataclass(frozen=True)
class ScoredGroup:
    """A test group's points in one run: the one declaration of a group score. Scoring makes it,
    the worker stores it (a GroupScore row), the CLI report and the reports read its fields.
    `passed`/`total` count its tests (0 when a caller stores points it did not count)."""

    group_id: str
    title: str
    dimension: str
    score: float
    max_score: float
    visible: bool
    message: str
    passed: int = 0
    total: int = 0


@dataclass(frozen=True)
class Score:
    score: float
    max_score: float
    groups: tuple[ScoredGroup, ...]

    def by_dimension(self) -> dict[str, tuple[float, float]]:
        return points_by_dimension(self.groups)


class GroupPoints(Protocol):
    """What a group score is read by: a ScoredGroup, or its stored row (models.GroupScore)."""

    @property
    def dimension(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def max_score(self) -> float: ...


def points_by_dimension(groups: Iterable[GroupPoints]) -> dict[str, tuple[float, float]]:
    """(points, out of) per rubric dimension, summed over the groups counting towards it."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for group in groups:
        totals[group.dimension][0] += group.score
        totals[group.dimension][1] += group.max_score
    return {dimension: (got, out_of) for dimension, (got, out_of) in totals.items()}


def score(result: GradingResult, exercise: Exercise) -> Score:
    outcomes = defaultdict(list)
    for test in result.tests:
        outcomes[test.group].append(test)
    groups = []
    for group in exercise.groups:
        tests = outcomes.get(group.id, [])
        passed = sum(test.outcome == "passed" for test in tests)
        points = round(group.points * passed / len(tests), 2) if tests else 0.0
        groups.append(
            ScoredGroup(
                group_id=group.id,
                title=group.title,
                dimension=group.dimension,
                score=points,
                max_score=group.points,
                visible=group.visible,
                passed=passed,
                total=len(tests),
                message=_group_message(group.description, tests, passed, result),
            )
        )
    return Score(
        score=round(sum(g.score for g in groups), 2),
        max_score=exercise.max_score,
        groups=tuple(groups),
    )


def _group_message(description: str, tests: list, passed: int, result: GradingResult) -> str:
    if not tests:
        return f"Not checked: {result.message}" if result.status != "completed" else "Not checked."
    if passed == len(tests):
        checks = "the check" if len(tests) == 1 else f"all {len(tests)} checks"
        return f"Passed {checks}. {description}".strip()
    first_failure = next(test.message for test in tests if test.outcome != "passed")
    return f"{passed} of {len(tests)} checks passed. {first_failure}".strip()

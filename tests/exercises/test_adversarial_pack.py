"""Issue 12's attacks, one test per attack and exercise: none scores more than its honest twin.

Each attack of the built-in pack (app/grading/attacks) turns an honest notebook of the exercise
(its twin: the starter, or the reference named in reference/attacks.yaml) into a hostile one. The
grading is the shared `flask exercises validate` run; a hostile notebook must score no more than
its twin in total and in every group, and one that plants a flaw (mutated inputs) must score less.
"""

from __future__ import annotations

import pytest

from app.grading.attacks import MECHANISMS, PACK
from app.grading.exercises import parse_exercise
from app.grading.validation import plan
from tests.exercises.conftest import describe
from tests.exercises.exercise_folders import EXERCISES, OWNED

pytestmark = [pytest.mark.docker, pytest.mark.slow]
CASES = [
    (exercise, attack.id)
    for exercise in OWNED
    for attack in PACK
    if attack.applies(parse_exercise(EXERCISES / exercise))
]
# Attacks that still win on main: issue 12 stays open until each is beaten. Strict, so the marker
# must go as soon as the grader holds (a passing case fails the suite until it is removed).
STILL_WINNING = {
}


def _case(exercise: str, attack_id: str):
    reason = STILL_WINNING.get((exercise, attack_id))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(exercise, attack_id, id=f"{exercise}/{attack_id}", marks=marks)


def test_the_pack_has_an_attack_for_every_mechanism_of_issue_12():
    covered = {attack.mechanism for attack in PACK}
    assert covered == set(MECHANISMS), f"no attack for mechanism(s) {set(MECHANISMS) - covered}"


@pytest.mark.parametrize(("exercise", "attack_id"), [_case(*case) for case in CASES])
def test_attack_scores_no_more_than_its_honest_twin(validation, exercise, attack_id):
    row = validation["rows"].get((exercise, attack_id))
    if row is None:  # validate leaves out an attack the exercise gives nothing to work with
        planned = {attack.id for attack, _ in plan(parse_exercise(EXERCISES / exercise)).attacks}
        assert attack_id not in planned, f"validate graded no attack {attack_id} for {exercise}"
        return
    attack, twin = row["graded"], row["twin_graded"]
    report = describe(row)
    assert attack["percent"] <= twin["percent"] + 0.01, report
    for group, percent in attack["groups"].items():
        assert percent <= twin["groups"][group] + 0.01, f"group {group} gained\n{report}"
    assert row["passed"], report


def test_validate_fails_exactly_the_attacks_that_still_win(validation):
    """Every reference verdict holds and every attack is beaten, but those listed as still winning
    (validate exits non-zero while any is left)."""
    failing = {key for key, row in validation["rows"].items() if not row["passed"]}
    report = "\n".join(
        describe(validation["rows"][key]) for key in sorted(failing - set(STILL_WINNING))
    )
    assert failing <= set(STILL_WINNING), report or validation["output"]
    assert failing == {key for key in STILL_WINNING if key in validation["rows"]}, (
        "an attack listed as still winning is beaten now: remove it from STILL_WINNING"
    )
    assert validation["exit_code"] == (1 if failing else 0), validation["output"]
    exercises = {exercise for exercise, _ in validation["rows"]}
    assert exercises == set(OWNED)

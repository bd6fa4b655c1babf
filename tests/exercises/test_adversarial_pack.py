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
from tests.exercises.conftest import describe
from tests.exercises.exercise_folders import EXERCISES, OWNED

pytestmark = [pytest.mark.docker, pytest.mark.slow]
CASES = [
    (exercise, attack.id)
    for exercise in OWNED
    for attack in PACK
    if attack.applies(parse_exercise(EXERCISES / exercise))
]


def test_the_pack_has_an_attack_for_every_mechanism_of_issue_12():
    covered = {attack.mechanism for attack in PACK}
    assert covered == set(MECHANISMS), f"no attack for mechanism(s) {set(MECHANISMS) - covered}"


@pytest.mark.parametrize(("exercise", "attack_id"), CASES, ids=[f"{e}/{a}" for e, a in CASES])
def test_attack_scores_no_more_than_its_honest_twin(validation, exercise, attack_id):
    row = validation["rows"].get((exercise, attack_id))
    assert row is not None, f"validate graded no attack {attack_id} for {exercise}"
    attack, twin = row["graded"], row["twin_graded"]
    report = describe(row)
    assert attack["percent"] <= twin["percent"] + 0.01, report
    for group, percent in attack["groups"].items():
        assert percent <= twin["groups"][group] + 0.01, f"group {group} gained\n{report}"
    assert row["passed"], report


def test_validate_passes_for_both_exercises(validation):
    failing = [describe(row) for row in validation["rows"].values() if not row["passed"]]
    assert validation["exit_code"] == 0 and not failing, "\n".join(failing) or validation["output"]
    exercises = {exercise for exercise, _ in validation["rows"]}
    assert exercises == set(OWNED)

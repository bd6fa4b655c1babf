"""The reference verdicts hold on five seeds: the data-dependent references of ml-take-home are
graded on five candidates' variants (their own training file and hidden holdout, the baseline's bar
computed from each), and metric-debugging's on five more runs, each drawing fresh hidden inputs.

The gradings are part of the shared `flask exercises validate` run (tests/exercises/conftest.py):
one pool, each (reference, seed) graded once on docker.
"""

from __future__ import annotations

import pytest
import yaml

from tests.exercises.conftest import SEEDED, VARIANT_SEEDS, describe
from tests.exercises.exercise_folders import EXERCISES

pytestmark = [pytest.mark.docker, pytest.mark.slow]
CASES = [
    (exercise, name, seed)
    for exercise, name in (case.split("/") for case in SEEDED)
    for seed in range(1, VARIANT_SEEDS + 1)
]


def _verdict(exercise: str, name: str) -> dict:
    path = EXERCISES / exercise / "reference" / "verdicts.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))[name]


@pytest.mark.parametrize(
    ("exercise", "name", "seed"), CASES, ids=[f"{e}/{n}@{s}" for e, n, s in CASES]
)
def test_reference_keeps_its_verdict_on_every_seed(validation, exercise, name, seed):
    rows = [
        row
        for (row_exercise, _), row in validation["rows"].items()
        if row_exercise == exercise and row.get("variant_seed") == seed
        and row["name"].startswith(name + " @ ")
    ]
    assert len(rows) == 1, f"validate graded {name} of {exercise} {len(rows)} times on seed {seed}"
    row, verdict = rows[0], _verdict(exercise, name)
    graded, report = row["graded"], describe(row)
    assert graded["status"] == verdict["status"], report
    assert verdict.get("min_score", 0) <= graded["percent"] <= verdict.get("max_score", 100), report
    for group_id in verdict.get("failed_groups", []):
        assert graded["groups"][group_id] < 100, f"{group_id} should fail\n{report}"
    for group_id in verdict.get("passed_groups", []):
        assert graded["groups"][group_id] == 100, f"{group_id} should pass\n{report}"
    assert row["passed"], report

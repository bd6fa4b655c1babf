"""Every reference notebook of every exercise gets the verdict of its verdicts.yaml.

The grading is the shared `flask exercises validate` run (tests/exercises/conftest.py): each
reference goes through intake as in production and is graded on the docker backend once; here each
field of its verdict is checked again, independently of validate's own check.
"""

from __future__ import annotations

import pytest
import yaml

from tests.exercises.conftest import describe
from tests.exercises.exercise_folders import EXERCISES, OWNED

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def _verdicts() -> dict[tuple[str, str], dict]:
    found = {}
    for exercise in OWNED:
        path = EXERCISES / exercise / "reference" / "verdicts.yaml"
        for name, verdict in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            found[(exercise, name)] = verdict
    return found


VERDICTS = _verdicts()


@pytest.mark.parametrize(
    ("exercise", "name"), list(VERDICTS), ids=[f"{e}/{n}" for e, n in VERDICTS]
)
def test_reference_gets_its_verdict(validation, exercise, name):
    verdict = VERDICTS[(exercise, name)]
    row = validation["rows"][(exercise, name)]
    graded, report = row["graded"], describe(row)
    assert row["kind"] == "reference", report
    assert graded["status"] == verdict["status"], report
    assert graded["percent"] >= verdict.get("min_score", 0), report
    assert graded["percent"] <= verdict.get("max_score", 100), report
    for group_id in verdict.get("failed_groups", []):
        assert graded["groups"][group_id] < 100, f"{group_id} should fail\n{report}"
    for group_id in verdict.get("passed_groups", []):
        assert graded["groups"][group_id] == 100, f"{group_id} should pass\n{report}"
    assert row["passed"], report  # validate's own check agrees

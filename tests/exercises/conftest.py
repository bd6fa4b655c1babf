"""One `flask exercises validate` run for both exercises, shared by every test of this folder.

It grades each reference and each attack of the adversarial pack (with its honest twin) once, on
the docker backend, as many at a time as there are cores; the tests read its rows. The references
whose verdict depends on the data or the drawn inputs (SEEDED) are graded again on the variants of
seeds 1..VARIANT_SEEDS in the same pool (tests/exercises/test_variant_verdicts.py).
"""

from __future__ import annotations

import json
import time

import pytest

from app import create_app
from tests.exercises.exercise_folders import OWNED

VARIANT_SEEDS = 5
# ml-take-home: every group of full-marks and leaky's no_leakage depend on the data (the margins
# over the baseline, the validation-to-holdout drop, the Summary's tolerance); the other references
# share full-marks' pipeline or fail for reasons the data cannot change. metric-debugging has no
# data: its hidden inputs are drawn per run, so its sound answer and its table of known inputs
# are graded again, each run on fresh inputs.
SEEDED = (
    "ml-take-home/full-marks.ipynb",
    "ml-take-home/leaky.ipynb",
    "metric-debugging/full-marks.ipynb",
    "metric-debugging/hard-coded.ipynb",
)


@pytest.fixture(scope="session")
def validation() -> dict:
    """{"exit_code", "seconds", "output", "rows": {(exercise, name): row}} of one validate run."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    started = time.monotonic()
    seeded = [arg for name in SEEDED for arg in ("--seed-reference", name)]
    result = app.test_cli_runner().invoke(
        args=["exercises", "validate", *OWNED, "--json", "--seeds", str(VARIANT_SEEDS), *seeded]
    )
    seconds = time.monotonic() - started
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    if not lines:
        pytest.fail(f"validate printed no rows (exit {result.exit_code}):\n{result.output}")
    rows = {(row["exercise"], row["name"]): row for row in json.loads(lines[-1])}
    return {
        "exit_code": result.exit_code,
        "seconds": seconds,
        "output": result.output,
        "rows": rows,
    }


def describe(row: dict) -> str:
    graded = row["graded"]
    groups = ", ".join(f"{g} {p:g}%" for g, p in graded["groups"].items())
    text = (
        f"{row['name']}: {graded['status']} {graded['percent']:g}% ({groups}); {graded['message']}"
    )
    if row.get("twin_graded"):
        twin = row["twin_graded"]
        twin_groups = ", ".join(f"{g} {p:g}%" for g, p in twin["groups"].items())
        text += f"\n  twin {row['twin']}: {twin['status']} {twin['percent']:g}% ({twin_groups})"
    return text + f"\n  {'PASS' if row['passed'] else 'FAIL'}: {row['reason']}"

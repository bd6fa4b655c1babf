"""`flask exercises validate SLUG...`: the table, the exit code and the clear errors.

The full pack on the two real exercises runs in tests/exercises (one shared run); here the tiny
exercise with one attack shows the command end to end on docker, and the errors need no grading.
"""

from __future__ import annotations

import gc
import json
import shutil

import pytest

from tests.grading.conftest import FIXTURES, SLOPE_GENERATOR, tiny_with_generator
from tests.sandbox.helpers import require_docker


@pytest.fixture
def validate(exercises_app):
    runner = exercises_app.test_cli_runner()

    def invoke(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(args=["exercises", "validate", *args], env=env)

    return invoke


@pytest.fixture
def copied_tiny(exercises_app, tmp_path):
    """A private copy of the tiny exercise that a test may break."""
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    exercises_app.config["EXERCISES_DIR"] = tmp_path
    return tmp_path / "tiny"


def test_an_unknown_slug_names_the_known_exercises(validate):
    result = validate("no-such-exercise")
    assert result.exit_code == 2
    assert "no exercise 'no-such-exercise'" in result.output and "tiny" in result.output


def test_an_exercise_without_verdicts_is_refused(validate, copied_tiny):
    (copied_tiny / "reference" / "verdicts.yaml").unlink()
    result = validate("tiny", "--backend", "local")
    assert result.exit_code == 1
    assert "tiny has no tiny/reference/verdicts.yaml" in result.output


def test_a_twin_that_is_not_a_reference_is_refused(validate, copied_tiny):
    (copied_tiny / "reference" / "attacks.yaml").write_text("twins:\n  word-salad: gone.ipynb\n")
    result = validate("tiny", "--backend", "local")
    assert result.exit_code == 1
    assert "attack word-salad: twin 'gone.ipynb' is not a reference of tiny" in result.output


def test_an_unknown_attack_in_attacks_yaml_is_refused(validate, copied_tiny):
    (copied_tiny / "reference" / "attacks.yaml").write_text("twins:\n  typo: full-marks.ipynb\n")
    result = validate("tiny", "--backend", "local")
    assert result.exit_code == 1 and "unknown attack(s) typo" in result.output


# docker-py leaves the socket of a failed connect open; it is collected here, not in a later test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_no_docker_engine_is_a_clear_error(validate):
    result = validate("tiny", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    gc.collect()
    assert result.exit_code == 1
    assert "cannot grade on docker: no Docker engine answers" in result.output
    assert "make services image" in result.output


@pytest.mark.docker
def test_the_table_has_a_row_per_reference_and_attack(validate):
    client, _ = require_docker()
    client.close()
    result = validate("tiny", "--attack", "tag-raises-exception", "--attack", "word-salad")
    lines = result.stdout.splitlines()  # progress goes to stderr
    assert lines[0].split() == [
        "exercise",
        "reference/attack",
        "expected",
        "score",
        "status",
        "result",
    ], result.output
    rows = {line.split()[1]: line for line in lines[1:] if line.startswith("tiny ")}
    assert set(rows) == {
        "full-marks.ipynb",
        "half-done.ipynb",
        "tag-raises-exception",
        "word-salad",
    }, result.output
    assert "PASS: verdict holds" in rows["full-marks.ipynb"], result.output
    assert "<= starter/tiny.ipynb" in rows["word-salad"], result.output
    failed = [line for line in rows.values() if "FAIL" in line]
    assert result.exit_code == (1 if failed else 0), result.output


def test_an_unknown_seed_reference_is_refused_before_grading(validate):
    result = validate("tiny", "--seeds", "2", "--seed-reference", "gone.ipynb", "--no-attacks")
    assert result.exit_code == 1
    assert "no reference gone.ipynb in any reference/verdicts.yaml" in result.output


@pytest.mark.docker
def test_seeds_grade_the_references_on_each_variant(validate, exercises_app, tmp_path, monkeypatch):
    """Odd seeds' holdouts have another slope: the full-marks verdict must fail exactly there."""
    client, _ = require_docker()
    client.close()
    monkeypatch.setenv("HIRELAB_VARIANT_CACHE", str(tmp_path / "variants"))
    tiny_with_generator(tmp_path, SLOPE_GENERATOR)
    exercises_app.config["EXERCISES_DIR"] = tmp_path / "exercises"
    result = validate(
        "tiny", "--no-attacks", "--seeds", "2", "--seed-reference", "full-marks.ipynb", "--json",
        "--time-factor", "3",  # the verdicts under test depend on data, not on the load
    )
    rows = {row["name"]: row for row in json.loads(result.stdout.splitlines()[-1])}
    assert set(rows) == {
        "full-marks.ipynb",
        "half-done.ipynb",
        "full-marks.ipynb @ variant seed 1",
        "full-marks.ipynb @ variant seed 2",
    }, result.output
    for name in ("full-marks.ipynb", "full-marks.ipynb @ variant seed 2"):
        assert rows[name]["passed"], f"{name}: {rows[name]['reason']}\n{result.output}"
    odd = rows["full-marks.ipynb @ variant seed 1"]
    assert not odd["passed"] and odd["variant_seed"] == 1, result.output
    assert odd["graded"]["groups"]["accuracy"] < 100
    assert result.exit_code == 1, result.output

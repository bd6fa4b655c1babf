"""`flask grade NOTEBOOK --exercise SLUG_OR_PATH [--backend] [--json]`."""

from __future__ import annotations

import json

import pytest

from app.grading.cli import grade_command
from tests.grading.conftest import TINY, notebook_bytes
from tests.sandbox.helpers import require_docker


@pytest.fixture
def grade(exercises_app):
    runner = exercises_app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(grade_command, list(args))

    return invoke


def _report(output: str) -> dict:
    return json.loads(output)


@pytest.mark.docker
def test_full_marks_on_docker_as_json(grade):
    client, _ = require_docker()  # fails loudly without an engine or image
    client.close()
    result = grade(
        str(TINY / "reference" / "full-marks.ipynb"),
        "--exercise",
        "tiny",
        "--backend",
        "docker",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert (report["status"], report["score"], report["max_score"]) == ("completed", 10, 10)
    assert {g["id"] for g in report["groups"]} == {"basics", "accuracy"}
    assert set(report["groups"][0]) == {"id", "title", "score", "max_score", "dimension", "message"}
    assert len(report["tests"]) == 5 and report["duration_s"] > 0 and report["message"]


def test_half_done_on_local_by_folder_path(grade):
    result = grade(
        str(TINY / "reference" / "half-done.ipynb"),
        "--exercise",
        str(TINY),
        "--backend",
        "local",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert (report["status"], report["score"]) == ("completed", 4)


def test_a_rejected_notebook_is_a_verdict_with_exit_0(grade, tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b"not a notebook")
    result = grade(str(bad), "--exercise", "tiny", "--backend", "local", "--json")
    assert result.exit_code == 0, result.output
    report = _report(result.output)
    assert report["status"] == "rejected" and report["score"] == 0 and "JSON" in report["message"]


def test_human_output(grade, tmp_path):
    source = tmp_path / "nb.ipynb"
    source.write_bytes(notebook_bytes("def add(a, b):\n    return a + b"))
    result = grade(str(source), "--exercise", "tiny", "--backend", "local")
    assert result.exit_code == 0, result.output
    assert "points" in result.output and "Defines the contract functions" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.ipynb", "--exercise", "tiny"], "does not exist"),
        (
            [str(TINY / "reference" / "full-marks.ipynb"), "--exercise", "nope"],
            "no exercise 'nope'",
        ),
        (
            [str(TINY / "reference" / "full-marks.ipynb"), "--exercise", "tiny", "--backend", "vm"],
            "'vm' is not one of",
        ),
        ([str(TINY / "reference" / "full-marks.ipynb")], "Missing option '--exercise'"),
    ],
)
def test_usage_errors_exit_2_and_say_what_to_fix(grade, args, message):
    result = grade(*args)
    assert result.exit_code == 2
    assert message in result.output

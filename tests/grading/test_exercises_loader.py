"""exercise.yaml loading: real exercises load; every mistake names the file and the field."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from app.grading.exercises import (
    DIMENSIONS,
    ExerciseError,
    exercise_in,
    exercises_in,
    load_exercise,
)
from sandbox.kinds import KINDS
from sandbox.limits import Limits
from tests.grading.conftest import FIXTURES, TINY

REPO_EXERCISES = Path(__file__).resolve().parents[2] / "exercises"


def test_the_tiny_exercise_loads_into_frozen_objects():
    exercise = load_exercise(FIXTURES, "tiny")
    assert (exercise.id, exercise.version, exercise.kind, exercise.notebook) == (
        "tiny",
        1,
        "notebook",
        "tiny.ipynb",
    )
    assert exercise.limits == Limits().with_overrides(
        {
            "cell_timeout_s": 20,
            "notebook_timeout_s": 60,
            "call_timeout_s": 10,
            "tests_timeout_s": 60,
            "memory_mb": 512,
        }
    )
    assert [g.id for g in exercise.groups] == ["basics", "accuracy"]
    assert exercise.max_score == 10 and exercise.group("basics").visible is True
    with pytest.raises(AttributeError):
        exercise.title = "changed"  # type: ignore[misc]


def test_evidence_declares_prose_for_the_interviewer(tmp_path):
    entry = {"heading": "Summary", "title": "Summary", "dimension": "collaboration"}
    _broken(tmp_path, evidence=[entry | {"look_for": " Next steps. "}])
    (evidence,) = load_exercise(tmp_path, "tiny").evidence
    assert (evidence.heading, evidence.dimension, evidence.look_for) == (
        "Summary",
        "collaboration",
        "Next steps.",
    )
    assert load_exercise(FIXTURES, "tiny").evidence == ()


def test_a_path_to_an_exercise_folder_works_too():
    assert load_exercise(Path("/nonexistent"), str(TINY)).id == "tiny"


def test_every_exercise_in_the_repository_is_valid():
    for exercise in exercises_in(REPO_EXERCISES):
        assert exercise.kind in KINDS
        assert all(g.dimension in DIMENSIONS for g in exercise.groups)


def test_an_unknown_slug_lists_the_known_ones():
    with pytest.raises(ExerciseError, match="no exercise 'nope'; known exercises: tiny"):
        load_exercise(FIXTURES, "nope")


def _broken(tmp_path: Path, **changes) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    data = yaml.safe_load((folder / "exercise.yaml").read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    (folder / "exercise.yaml").write_text(yaml.safe_dump(data))
    return folder


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "other"}, r":\d+: id: is 'other' but the folder is 'tiny'"),
        ({"kind": "essay"}, r":\d+: kind: must be one of notebook \(got 'essay'\)"),
        ({"version": "one"}, r":\d+: version: must be a whole number \(got 'one'\)"),
        ({"title": None}, r":\d+: title: is missing"),
        ({"notebook": "missing.ipynb"}, "field 'notebook': starter/missing.ipynb does not exist"),
        ({"limits": {"memroy_mb": 1}}, r":\d+: limits\.memroy_mb: unknown limit 'memroy_mb'"),
        ({"groups": []}, r":\d+: groups: must be a non-empty list"),
        (
            {"groups": [{"id": "a", "title": "A", "points": 1, "dimension": "vibes"}]},
            r":\d+: groups\[0\]\.dimension: must be one of",
        ),
        (
            {"groups": [{"id": "a", "title": "A", "points": -1, "dimension": "data_sql"}]},
            r":\d+: groups\[0\]\.points: must be a positive number",
        ),
        ({"evidence": {"heading": "Summary"}}, r":\d+: evidence: must be a list"),
        ({"evidence": ["Summary"]}, r":\d+: evidence\[0\]: must be a mapping"),
        (
            {"evidence": [{"heading": "Summary", "title": "S", "dimension": "vibes"}]},
            r":\d+: evidence\[0\]\.dimension: must be one of",
        ),
        (
            {"evidence": [{"title": "S", "dimension": "collaboration"}]},
            r":\d+: evidence\[0\]\.heading: is missing",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_field(tmp_path, changes, message):
    folder = _broken(tmp_path, **changes)
    with pytest.raises(ExerciseError, match=message) as error:
        load_exercise(tmp_path, "tiny")
    assert str(folder / "exercise.yaml") in str(error.value)


def test_yaml_that_does_not_parse_is_reported(tmp_path):
    folder = _broken(tmp_path)
    (folder / "exercise.yaml").write_text("id: [unclosed")
    with pytest.raises(ExerciseError, match="cannot be read as YAML"):
        load_exercise(tmp_path, "tiny")


def test_an_exercise_is_parsed_once_and_again_only_after_its_yaml_changes(tmp_path):
    shutil.copytree(TINY, tmp_path / "tiny")
    first = exercise_in(tmp_path, "tiny")
    assert exercise_in(tmp_path, "tiny") is first  # no re-parse per request
    path = tmp_path / "tiny" / "exercise.yaml"
    path.write_text(path.read_text().replace("title: Tiny arithmetic model", "title: Renamed"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed = exercise_in(tmp_path, "tiny")
    assert changed is not first and changed.title == "Renamed"

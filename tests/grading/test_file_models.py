"""exercise.yaml, rubric and kit files: pydantic models whose refusals name `file:line: field`,
checked at start-up and cached until a file changes."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from app.grading.exercises import ExerciseError, parse_exercise
from app.scorecards.catalog import catalog_in
from app.scorecards.source import RubricError
from tests.conftest import make_app
from tests.grading.conftest import TINY

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


def _edited(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the file; the 1-based line the new text is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if new in line)


def _tiny(tmp_path: Path) -> Path:
    shutil.copytree(TINY, tmp_path / "exercises" / "tiny")
    return tmp_path / "exercises" / "tiny"


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("    points: 6", "    points: -6", "groups[1].points", "a positive number (got -6)"),
        ("  memory_mb: 512", "  memory_mb: lots", "limits.memory_mb", "must be a positive"),
        ("    dimension: ml_fundamentals", "    dimension: vibes", "groups[1].dimension", "one of"),
        ("version: 1", "version: true", "version", "must be a whole number (got True)"),
    ],
)
def test_an_exercise_refusal_names_the_line_of_the_value(tmp_path, old, new, field, problem):
    folder = _tiny(tmp_path)
    line = _edited(folder / "exercise.yaml", old, new)
    with pytest.raises(ExerciseError) as refused:
        parse_exercise(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder / 'exercise.yaml'}:{line}: {field}: "), message
    assert problem in message


def test_a_misspelt_rubric_key_is_named_not_the_key_it_hides(tmp_path):
    shutil.copytree(RUBRICS, tmp_path / "rubrics")
    path = tmp_path / "rubrics" / "junior-ai-engineer.yaml"
    line = _edited(path, "weak_signals:", "weak_signal:")
    misspelt = rf"junior-ai-engineer\.yaml:{line}: weak_signal: unknown key"
    with pytest.raises(RubricError, match=misspelt):
        catalog_in(tmp_path / "rubrics")


def test_start_up_logs_every_broken_file_with_its_line(tmp_path, caplog):
    folder = _tiny(tmp_path)
    exercise_line = _edited(folder / "exercise.yaml", "    points: 4", "    points: 0")
    shutil.copytree(RUBRICS, tmp_path / "rubrics")
    kit = tmp_path / "rubrics" / "kits" / "debugging.yaml"
    kit_line = _edited(kit, "duration_minutes: ", "duration_minutes: 2 #")
    with caplog.at_level(logging.ERROR):
        make_app(
            "sqlite://", EXERCISES_DIR=tmp_path / "exercises", RUBRICS_DIR=tmp_path / "rubrics"
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"{folder / 'exercise.yaml'}:{exercise_line}: groups[0].points: must be a positive" in (
        logged
    )
    assert f"rubrics/kits/debugging.yaml:{kit_line}: duration_minutes: must be at least 5" in (
        logged
    )


def test_rubrics_are_validated_once_and_again_only_after_a_file_changes(tmp_path):
    shutil.copytree(RUBRICS, tmp_path / "rubrics")
    first = catalog_in(tmp_path / "rubrics")
    assert catalog_in(tmp_path / "rubrics") is first  # no re-parse per request
    kit = tmp_path / "rubrics" / "kits" / "debugging.yaml"
    title = first.kit("debugging").title
    kit.write_text(kit.read_text().replace(f"title: {title}", "title: Renamed", 1))
    stat = kit.stat()
    os.utime(kit, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    changed = catalog_in(tmp_path / "rubrics")
    assert changed is not first and changed.kit("debugging").title == "Renamed"

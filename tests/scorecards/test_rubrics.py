"""Rubric and kit loading: the shipped files are valid; broken ones name file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import REPO_ROOT
from app.extensions import db
from app.models import Role
from app.pipeline import operations as pipeline_operations
from app.scorecards.catalog import load_catalog
from app.scorecards.kits import Kit
from app.scorecards.rubrics import Rubric, load_rubric
from app.scorecards.source import RubricError

RUBRICS = REPO_ROOT / "rubrics"
RUBRIC_FILE = RUBRICS / "junior-ai-engineer.yaml"
DIMENSIONS = (
    "python_engineering",
    "ml_fundamentals",
    "data_sql",
    "production_mindset",
    "collaboration",
    "learning_agility",
)


def test_shipped_rubric_has_the_six_dimensions_with_anchors_and_scales():
    rubric = load_rubric(RUBRIC_FILE)
    assert rubric.id == "junior-ai-engineer"
    assert rubric.version >= 1
    assert rubric.dimension_keys == DIMENSIONS
    for dimension in rubric.dimensions:
        assert dimension.meets and dimension.strong
        assert [level.key for level in dimension.scale] == [
            "no_evidence",
            "below",
            "meets",
            "strong",
        ]
    assert [r.key for r in rubric.recommendations] == ["strong_no", "no", "yes", "strong_yes"]
    assert rubric.strong_signals and rubric.weak_signals and len(rubric.red_flags) == 4


def test_shipped_kits_cover_the_interview_plan():
    catalog = load_catalog(RUBRICS)
    assert set(catalog.kits) == {
        "take-home-review",
        "debugging",
        "ship-this-model",
        "fundamentals",
        "sql-data-quality-review",
    }
    ship = catalog.kit("ship-this-model")
    assert "production_mindset" in ship.dimensions
    text = " ".join(point for q in ship.questions for point in (q.prompt, *q.look_for)).lower()
    assert "batch" in text and "drift" in text and "rollback" in text
    fundamentals = " ".join(
        p for q in catalog.kit("fundamentals").questions for p in (q.prompt, *q.look_for)
    ).lower()
    for topic in ("validation", "leakage", "metric", "join"):
        assert topic in fundamentals


def test_snapshots_round_trip():
    catalog = load_catalog(RUBRICS)
    rubric = catalog.rubric("junior-ai-engineer")
    assert Rubric.from_snapshot(rubric.to_snapshot()) == rubric
    for kit in catalog.kits.values():
        assert Kit.from_snapshot(kit.to_snapshot()) == kit


def broken(tmp_path: Path, old: str, new: str, name: str = "junior-ai-engineer.yaml") -> Path:
    text = RUBRIC_FILE.read_text()
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_missing_anchor_names_file_line_and_field(tmp_path):
    path = broken(
        tmp_path, "      strong: >-\n        Writes crisp", "      strng: >-\n        Writes crisp"
    )
    with pytest.raises(RubricError) as caught:
        load_rubric(path, "rubrics/junior-ai-engineer.yaml")
    message = str(caught.value)
    assert message.startswith(f"rubrics/junior-ai-engineer.yaml:{line_of(path, 'strng:')}:")
    assert "dimensions[4].anchors.strng: unknown key" in message


def test_wrong_type_names_the_line_of_the_value(tmp_path):
    path = broken(tmp_path, "version: 1", "version: one")
    with pytest.raises(RubricError, match=r":5: version: must be a whole number \(got 'one'\)"):
        load_rubric(path)


def test_unquoted_yaml_boolean_key_is_caught(tmp_path):
    path = broken(tmp_path, '  - key: "no"', "  - key: no")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    line = path.read_text().splitlines().index("  - key: no") + 1
    assert f":{line}: recommendations[1].key: must be a non-empty string (got False)" in str(
        caught.value
    )


def test_duplicate_dimension_and_duplicate_yaml_key(tmp_path):
    path = broken(tmp_path, "  - key: data_sql", "  - key: ml_fundamentals")
    with pytest.raises(RubricError, match=r"dimensions\[2\]\.key: duplicate dimension"):
        load_rubric(path)
    path = broken(tmp_path, "title: Junior AI Engineer interview rubric", "title: A\ntitle: B")
    with pytest.raises(RubricError, match=r":7: title: duplicate key"):
        load_rubric(path)


def test_missing_field_and_bad_scale(tmp_path):
    path = broken(tmp_path, "red_flags:\n", "red_flag:\n")
    with pytest.raises(RubricError, match=r"red_flag: unknown key"):
        load_rubric(path)
    path = broken(tmp_path, "    value: 3\n", "    value: 0\n")
    with pytest.raises(RubricError, match=r"scale: level values must increase"):
        load_rubric(path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nversion: 1\ndimensions: [a, b\ntitle: t\n")
    with pytest.raises(RubricError, match=r"bad.yaml:\d+: cannot be read as YAML"):
        load_rubric(path)


def test_kit_with_unknown_dimension_names_the_kit_line(tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, directory)
    kit = directory / "kits" / "debugging.yaml"
    kit.write_text(kit.read_text().replace("collaboration]", "collaboration, empathy]", 1))
    with pytest.raises(RubricError) as caught:
        load_catalog(directory)
    message = str(caught.value)
    assert message.startswith(f"rubrics/kits/debugging.yaml:{line_of(kit, 'empathy')}:")
    assert "dimensions[4]: 'empathy' is not a dimension of rubric 'junior-ai-engineer'" in message


def test_kit_question_must_use_the_kits_dimensions(tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, directory)
    kit = directory / "kits" / "debugging.yaml"
    kit.write_text(kit.read_text().replace("learning_agility, collaboration]", "collaboration]", 1))
    with pytest.raises(RubricError) as caught:
        load_catalog(directory)
    assert "questions[0].dimensions[0]: 'learning_agility' is not one of the kit's" in str(
        caught.value
    )


def test_kit_must_name_an_installed_rubric(tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, directory)
    kit = directory / "kits" / "fundamentals.yaml"
    kit.write_text(kit.read_text().replace("rubric: junior-ai-engineer", "rubric: senior"))
    with pytest.raises(RubricError, match=r"fundamentals.yaml:5: rubric: no rubric 'senior'"):
        load_catalog(directory)


def test_check_command_reports_the_broken_file(app, tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, directory)
    app.config["RUBRICS_DIR"] = directory
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scorecards", "check"])
    assert result.exit_code == 0, result.output
    assert "rubric junior-ai-engineer v1: 6 dimensions" in result.output
    rubric = directory / "junior-ai-engineer.yaml"
    rubric.write_text(rubric.read_text().replace("version: 1", "version: -1", 1))
    result = runner.invoke(args=["scorecards", "check"])
    assert result.exit_code == 1
    assert "rubrics/junior-ai-engineer.yaml:5: version: must be at least 1" in result.output


def test_a_broken_rubric_file_is_a_clear_error_page(app, client, auth, create_user, tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(RUBRICS, directory)
    kit = directory / "kits" / "fundamentals.yaml"
    kit.write_text(kit.read_text().replace("title: ML and data fundamentals", "title: ''"))
    app.config["RUBRICS_DIR"] = directory
    job_owner = create_user(Role.RECRUITER)
    job = pipeline_operations.create_job("Junior AI Engineer", job_owner)
    candidate = pipeline_operations.add_candidate("Ada", "ada@example.com", "referral")
    application = pipeline_operations.apply(candidate, job, job_owner)
    db.session.commit()
    auth.login_as(job_owner)
    response = client.get(f"/applications/{application.id}/interviews/new")
    assert response.status_code == 500
    assert "rubrics/kits/fundamentals.yaml:4: title: must be a non-empty string" in (response.text)

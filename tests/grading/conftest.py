"""Grading fixtures: the tiny exercise, notebooks, and an assignment ready to upload to."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations
from app.models import Role

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exercises"
TINY = FIXTURES / "tiny"


def notebook_bytes(*sources: str, markdown: str = "# Notes") -> bytes:
    cells = [new_markdown_cell(markdown), *(new_code_cell(source) for source in sources)]
    return nbformat.writes(new_notebook(cells=cells)).encode()


@pytest.fixture
def full_marks() -> bytes:
    return (TINY / "reference" / "full-marks.ipynb").read_bytes()


@pytest.fixture
def exercises_app(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    return app


@pytest.fixture
def assignment(exercises_app, create_job, create_candidate, create_user):
    """The tiny exercise assigned to a candidate (with an account), not yet opened."""
    candidate = create_candidate(create_job())
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    assignment = operations.assign_exercise(
        candidate.applications[0], "tiny", 10, create_user(Role.RECRUITER), timedelta(days=7)
    )
    db.session.commit()
    return assignment


@pytest.fixture
def opened(assignment):
    operations.open_assignment(assignment)
    db.session.commit()
    return assignment


def put_on_panel(application, interviewer) -> None:
    """Schedule a take-home review of `application` with `interviewer` on its panel."""
    from app.models import now_utc
    from app.scorecards.catalog import catalog
    from app.scorecards.operations import schedule_interview

    kit = catalog().kit("take-home-review")
    schedule_interview(application, application.stage, kit, [interviewer], now_utc(), None)
    db.session.commit()


def hostile_json(depth: int) -> bytes:
    return json.dumps(
        {"cells": [], "nbformat": 4, "x": json.loads("[" * depth + "]" * depth)}
    ).encode()


SLOPE_GENERATOR = '''
def variant_files(seed):
    """Even seeds keep the slope 2 of the training data; odd seeds make a holdout of slope 3."""
    slope = 2 if seed % 2 == 0 else 3
    rows = "".join(f"{x},{slope * x}\\n" for x in (4, -2, 9))
    return {"hidden/data/holdout.csv": ("x,y\\n" + rows).encode()}
'''


def tiny_with_generator(tmp_path: Path, generator: str) -> Path:
    """A copy of the tiny exercise under `tmp_path` that declares `generator` as its variants."""
    folder = tmp_path / "exercises" / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "make_variant.py").write_text(generator, encoding="utf-8")
    yaml_path = folder / "exercise.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8") + "variants:\n  generator: make_variant.py\n",
        encoding="utf-8",
    )
    return folder

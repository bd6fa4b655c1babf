"""The two exercises' folders follow exercises/README.md: valid yaml, groups in step with the hidden
tests, starter notebooks that state the contract, references that rebuild byte for byte, verdicts
that name real groups."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
import yaml

from app.grading.exercises import DIMENSIONS, parse_exercise
from tests.exercises.exercise_folders import EXERCISES, OWNED, load_script

VERDICT_FIELDS = {"status", "min_score", "max_score", "failed_groups", "passed_groups"}
STATUSES = {"completed", "error", "timeout", "memory_exceeded", "crashed"}
FIXTURES = {"submission", "execution", "hidden_data", "starter_dir", "starter", "seed", "red_flag"}


def _hidden_tests(exercise: str) -> list[tuple[str, str, list[str], list[str]]]:
    """(file, test name, group marker ids, fixture arguments) for every hidden test function
    (arguments filled by `pytest.mark.parametrize` are not fixtures)."""
    found = []
    for path in sorted((EXERCISES / exercise / "hidden" / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                groups = [
                    decorator.args[0].value
                    for decorator in node.decorator_list
                    if isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "pytest.mark.group"
                    and isinstance(decorator.args[0], ast.Constant)
                ]
                parametrized = {
                    name.strip()
                    for decorator in node.decorator_list
                    if isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "pytest.mark.parametrize"
                    and isinstance(decorator.args[0], ast.Constant)
                    for name in str(decorator.args[0].value).split(",")
                }
                arguments = [a.arg for a in node.args.args if a.arg not in parametrized]
                found.append((path.name, node.name, groups, arguments))
    return found


@pytest.mark.parametrize("exercise", OWNED)
def test_exercise_yaml_is_valid(exercise):
    loaded = parse_exercise(EXERCISES / exercise)
    assert loaded.id == exercise
    assert loaded.max_score == 100
    assert {group.dimension for group in loaded.groups} <= set(DIMENSIONS)
    assert any(group.visible for group in loaded.groups)
    assert all(group.description for group in loaded.groups), "every group needs a description"


@pytest.mark.parametrize("exercise", OWNED)
def test_every_hidden_test_has_one_known_group_and_every_group_has_tests(exercise):
    groups = {group.id for group in parse_exercise(EXERCISES / exercise).groups}
    tests = _hidden_tests(exercise)
    assert tests, "no hidden tests found"
    for file, name, marks, _ in tests:
        assert len(marks) == 1, f"{file}::{name} needs exactly one @pytest.mark.group"
        assert marks[0] in groups, f"{file}::{name} names unknown group {marks[0]!r}"
    assert groups == {marks[0] for _, _, marks, _ in tests}, "a group has no test"


@pytest.mark.parametrize("exercise", OWNED)
def test_hidden_tests_use_only_contract_fixtures(exercise):
    for file, name, _, arguments in _hidden_tests(exercise):
        assert set(arguments) <= FIXTURES, f"{file}::{name} asks for {set(arguments) - FIXTURES}"


@pytest.mark.parametrize("exercise", OWNED)
def test_visible_groups_do_not_read_hidden_data(exercise):
    # Messages of visible groups reach candidates, so those tests must not touch hidden data.
    visible = {g.id for g in parse_exercise(EXERCISES / exercise).groups if g.visible}
    for file, name, marks, arguments in _hidden_tests(exercise):
        if marks and marks[0] in visible:
            assert "hidden_data" not in arguments, (
                f"{file}::{name} is visible but reads hidden data"
            )


@pytest.mark.parametrize("exercise", OWNED)
def test_starter_notebook_states_the_contract(exercise):
    loaded = parse_exercise(EXERCISES / exercise)
    notebook = nbformat.read(loaded.starter_dir / loaded.notebook, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "definitions only" in text
    assert "not re-run" in text
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    starter_files = {
        p.relative_to(loaded.starter_dir).as_posix() for p in loaded.starter_dir.rglob("*")
    }
    assert not any("hidden" in name or name.endswith(".pyc") for name in starter_files)


@pytest.mark.parametrize("exercise", OWNED)
def test_notebooks_rebuild_byte_for_byte(exercise):
    built = load_script(exercise, "build_notebooks").build()
    for path, content in built.items():
        assert path.read_bytes() == content, f"{path} is stale: run {exercise}/build_notebooks.py"
    references = set((EXERCISES / exercise / "reference").glob("*.ipynb"))
    assert references == {path for path in built if path.parent.name == "reference"}


@pytest.mark.parametrize("exercise", OWNED)
def test_verdicts_cover_every_reference_and_name_real_groups(exercise):
    groups = {group.id for group in parse_exercise(EXERCISES / exercise).groups}
    folder = EXERCISES / exercise / "reference"
    verdicts = yaml.safe_load((folder / "verdicts.yaml").read_text(encoding="utf-8"))
    assert set(verdicts) == {p.name for p in folder.glob("*.ipynb")}
    assert "full-marks.ipynb" in verdicts and "untouched.ipynb" in verdicts
    assert len(verdicts) >= 6, "one full-marks reference and at least five flawed ones"
    assert verdicts["full-marks.ipynb"]["min_score"] == 100
    assert verdicts["untouched.ipynb"]["max_score"] <= 10
    for name, verdict in verdicts.items():
        assert set(verdict) <= VERDICT_FIELDS, f"{name}: unknown fields"
        assert verdict["status"] in STATUSES, f"{name}: unknown status"
        named = set(verdict.get("failed_groups", [])) | set(verdict.get("passed_groups", []))
        assert named <= groups, f"{name}: unknown groups {named - groups}"
        assert not set(verdict.get("failed_groups", [])) & set(verdict.get("passed_groups", []))


@pytest.mark.parametrize("exercise", OWNED)
def test_untouched_reference_is_the_starter(exercise):
    loaded = parse_exercise(EXERCISES / exercise)
    starter = (loaded.starter_dir / loaded.notebook).read_bytes()
    assert (EXERCISES / exercise / "reference" / "untouched.ipynb").read_bytes() == starter


def test_brief_states_the_groups_and_time_box():
    for exercise in OWNED:
        loaded = parse_exercise(EXERCISES / exercise)
        brief = loaded.brief
        # The brief states the same time box as the portal and the invite (exercise.yaml's).
        assert f"Time box: {loaded.time_budget_minutes} minutes" in brief
        for group in loaded.groups:
            assert f"| {int(group.points)} |" in brief, (
                f"{exercise}: {group.id} points not in brief"
            )


def test_exercise_folders_hold_only_contract_entries():
    allowed = {"exercise.yaml", "README.md", "starter", "hidden", "reference", "ruff.toml",
               "build_notebooks.py", "generate_data.py", "crosscheck.py",
               "__pycache__"}  # fmt: skip
    for exercise in OWNED:
        extra = {p.name for p in (EXERCISES / exercise).iterdir() if not p.name.startswith(".")}
        extra -= allowed
        assert not extra, f"{exercise}: unexpected {extra}"
    assert Path(EXERCISES / "ml-take-home" / "hidden" / "data" / "holdout.csv").is_file()

"""The exercise kind registry: kinds are classes registered explicitly, the sandbox grades a job
as its kind says, and a new kind is one class (this file adds a throwaway one and grades with it
on the real docker backend, through the exercise loader like a real exercise)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from app.grading.exercises import ExerciseError, parse_exercise
from app.grading.scoring import score
from sandbox.backends.twophase import Phases
from sandbox.intake import IntakeError
from sandbox.job import GradingJob
from sandbox.kinds import (
    KINDS,
    ExerciseKind,
    NotebookKind,
    UnknownKind,
    kind_for,
    register,
    unregister,
)
from sandbox.results import GradingResult
from tests.sandbox.helpers import FAST, run_id


class TextAnswerKind(ExerciseKind):
    """A throwaway kind: the candidate uploads a short markdown answer; there is no code to
    execute, so only phase 2 runs, with the answer as a one-cell notebook."""

    name = "text-answer"
    description = "checks a written answer with the hidden tests"
    submission_suffix = ".md"

    def check_folder(self, folder: Path, fields: Mapping[str, Any]) -> str | None:
        answer = str(fields.get("notebook") or "")
        if not answer.endswith(".md") or not (folder / "starter" / answer).is_file():
            return "field 'notebook' must name a starter .md file"
        return None

    def accept(self, upload: bytes) -> bytes:
        try:
            text = upload.decode("utf-8")
        except UnicodeDecodeError:
            raise IntakeError("the answer is not UTF-8 text") from None
        if len(text) > 10_000:
            raise IntakeError("the answer is longer than 10,000 characters")
        cell = nbformat.v4.new_markdown_cell(text, id="answer")
        notebook = nbformat.v4.new_notebook(
            cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
        )
        return nbformat.writes(notebook).encode()

    def grade(self, job: GradingJob, submission: bytes, phases: Phases) -> GradingResult:
        execution = {"status": "completed", "cells_total": 0, "cells_executed": 0, "error": None}
        return phases.run("test", submission, execution)


HIDDEN_TEST = """
import pytest


@pytest.mark.group("answer")
def test_the_answer_names_the_number(submission, execution):
    assert execution.status == "completed"
    text = submission.notebook.cells[0].source
    assert "42" in text, "the answer does not give the number"
"""


@pytest.fixture
def text_answer_kind() -> Iterator[type[ExerciseKind]]:
    register(TextAnswerKind)
    yield TextAnswerKind
    unregister(TextAnswerKind.name)


@pytest.fixture
def text_exercise(tmp_path: Path) -> Path:
    folder = tmp_path / "short-answer"
    (folder / "starter").mkdir(parents=True)
    (folder / "hidden" / "tests").mkdir(parents=True)
    (folder / "starter" / "answer.md").write_text("Write your answer here.\n")
    (folder / "hidden" / "tests" / "test_answer.py").write_text(textwrap.dedent(HIDDEN_TEST))
    spec = {
        "id": "short-answer", "version": 1, "title": "Short answer", "kind": "text-answer",
        "time_budget_minutes": 5, "notebook": "answer.md",
        "limits": {"tests_timeout_s": 30, "memory_mb": 256},
        "groups": [{"id": "answer", "title": "Answer", "points": 5, "dimension": "data_sql"}],
    }  # fmt: skip
    (folder / "exercise.yaml").write_text(yaml.safe_dump(spec))
    return folder


def test_the_registry_maps_kind_names_to_classes():
    assert KINDS["notebook"] is NotebookKind
    assert isinstance(kind_for("notebook"), NotebookKind)
    with pytest.raises(UnknownKind, match="no exercise kind 'sql'; registered kinds: notebook"):
        kind_for("sql")


def test_a_name_is_registered_once(text_answer_kind):
    assert register(text_answer_kind) is text_answer_kind  # the same class again is fine

    class Impostor(TextAnswerKind):
        pass

    with pytest.raises(ValueError, match="'text-answer' is already registered"):
        register(Impostor)
    assert KINDS["text-answer"] is TextAnswerKind


def test_the_loader_asks_the_kind_about_the_folder(text_exercise, text_answer_kind):
    assert parse_exercise(text_exercise).kind == "text-answer"
    (text_exercise / "starter" / "answer.md").unlink()
    with pytest.raises(ExerciseError, match=r"field 'notebook' must name a starter \.md file"):
        parse_exercise(text_exercise)


def test_an_unregistered_kind_is_refused_by_the_loader_and_the_sandbox(text_exercise):
    refused = r":\d+: kind: must be one of notebook \(got 'text-answer'\)"
    with pytest.raises(ExerciseError, match=refused):
        parse_exercise(text_exercise)
    from sandbox.backends.twophase import grade_in_phases

    ran = []
    job = GradingJob(b"42", "answer.md", text_exercise / "starter", None, kind="text-answer")
    result = grade_in_phases(job, lambda *args: ran.append(args), None, use_cgroup=False)
    assert (result.status, result.retryable, ran) == ("error", True, [])
    assert "no exercise kind 'text-answer'" in result.message


@pytest.mark.docker
def test_a_new_kind_is_one_class_graded_on_docker(text_exercise, text_answer_kind, docker_backend):
    exercise = parse_exercise(text_exercise)

    def grade(upload: bytes) -> GradingResult:
        job = GradingJob(
            notebook=upload,
            notebook_name=exercise.notebook,
            starter_dir=exercise.starter_dir,
            hidden_dir=exercise.hidden_dir,
            limits=FAST,
            run_id=run_id(),
            kind=exercise.kind,
        )
        return docker_backend.grade(job)

    right = grade(b"The answer is **42**.\n")
    assert right.status == "completed", right
    assert score(right, exercise).score == 5
    wrong = grade(b"I do not know.\n")
    assert score(wrong, exercise).score == 0
    assert "does not give the number" in wrong.tests[0].message
    rejected = grade(b"\xff\xfe not text")
    assert (rejected.status, rejected.message) == ("rejected", "the answer is not UTF-8 text")

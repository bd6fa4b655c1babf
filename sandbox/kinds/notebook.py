"""The ``notebook`` kind: execute the notebook (phase 1), then run the hidden tests against it
(phase 2). Serves ml-take-home, metric-debugging and sql-data-quality."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandbox.backends.twophase import Phases, execute_then_test
from sandbox.intake import sanitize_notebook
from sandbox.kinds.base import ExerciseKind

if TYPE_CHECKING:
    from sandbox.job import GradingJob
    from sandbox.results import GradingResult


class NotebookKind(ExerciseKind):
    name = "notebook"
    description = "executes the notebook, then runs the hidden pytest suite against it"

    def check_folder(self, folder: Path, fields: Mapping[str, Any]) -> str | None:
        notebook = str(fields.get("notebook") or "")
        if not notebook.endswith(".ipynb"):
            return "field 'notebook' must name an .ipynb file"
        if not (folder / "starter" / notebook).is_file():
            return f"field 'notebook': starter/{notebook} does not exist"
        return None

    def accept(self, upload: bytes) -> bytes:
        return sanitize_notebook(upload)

    def grade(self, job: GradingJob, submission: bytes, phases: Phases) -> GradingResult:
        return execute_then_test(job, submission, phases)

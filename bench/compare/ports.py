"""The exercise suites ported to nbgrader and otter-grader, and one timed grading with each.

Both ports run the exercise's own hidden tests through ``inkernel.check`` (one check per hidden
test: an nbgrader autograder-test cell worth 1 point, an otter test file worth 1 point), so the
three graders execute the same notebook and the same checks. The tools live in their own
virtualenv (``tools.py``), never in the app's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from app.grading.exercises import Exercise  # noqa: E402


def hidden_test_ids(exercise: Exercise) -> list[str]:
    """``file.py::test_name`` of every hidden test (collected the way pytest would)."""
    assert exercise.hidden_dir is not None
    ids = []
    for path in sorted((exercise.hidden_dir / "tests").glob("test_*.py")):
        for line in path.read_text().splitlines():
            if line.startswith("def test_"):
                ids.append(f"{path.name}::{line[4:].split('(')[0]}")
    return ids


def tool_env(tools: Path) -> dict[str, str]:
    """The environment of a tool's process: its virtualenv first on PATH (nbgrader runs `alembic`,
    both start kernels), BLAS pinned to one thread like the sandbox."""
    path = f"{tools}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "INKERNEL_REPO": str(REPO)}


def _workdir_files(exercise: Exercise, target: Path) -> None:
    """starter/ (data, helper modules), hidden/ and the in-kernel runner next to the notebook."""
    assert exercise.hidden_dir is not None
    shutil.copytree(exercise.starter_dir, target, dirs_exist_ok=True)
    (target / exercise.notebook).unlink(missing_ok=True)
    shutil.copytree(exercise.hidden_dir, target / "hidden", dirs_exist_ok=True)
    shutil.copy(HERE / "inkernel.py", target / "inkernel.py")


# --- nbgrader -------------------------------------------------------------------------------


def _nbgrader_notebook(notebook: Path, test_ids: list[str]) -> nbformat.NotebookNode:
    """The submission with one locked autograder-test cell (1 point) per hidden test."""
    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for index, test_id in enumerate(test_ids):
        cell = new_code_cell(f"from inkernel import check\ncheck({test_id!r})")
        cell.metadata["nbgrader"] = {
            "grade": True,
            "grade_id": f"check_{index}",
            "locked": True,
            "points": 1,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
        nb.cells.append(cell)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    return nb


class NbgraderCourse:
    """A course directory with one assignment; ``grade(notebook)`` autogrades one submission."""

    def __init__(self, tools: Path, root: Path, exercise: Exercise, test_ids: list[str]) -> None:
        self.tools, self.root, self.exercise, self.test_ids = tools, root, exercise, test_ids
        self.name = exercise.notebook
        source = root / "source" / "ml"
        _workdir_files(exercise, source)
        reference = exercise.folder / "reference" / "full-marks.ipynb"
        nbformat.write(_nbgrader_notebook(reference, test_ids), str(source / self.name))
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            "c.CourseDirectory.course_id = 'bench'\n"
            "c.ExecutePreprocessor.timeout = 600\n"
            "c.Execute.timeout = 600\n"
        )
        self._nbgrader("generate_assignment", "ml", "--create", "--force")
        self.count = 0

    def _nbgrader(self, *args: str) -> None:
        done = subprocess.run(
            [str(self.tools / "nbgrader"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=tool_env(self.tools),
        )
        if done.returncode:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}")

    def submit(self, notebook: Path) -> str:
        self.count += 1
        student = f"s{self.count}"
        target = self.root / "submitted" / student / "ml"
        _workdir_files(self.exercise, target)
        nbformat.write(_nbgrader_notebook(notebook, self.test_ids), str(target / self.name))
        return student

    def grade(self, students: list[str]) -> float:
        """Wall time of `nbgrader autograde` for these students (one command, serial inside)."""
        started = time.monotonic()
        args = ["autograde", "ml", "--create", "--force"]
        if len(students) == 1:
            args += ["--student", students[0]]
        self._nbgrader(*args)
        return time.monotonic() - started

    def score(self, student: str) -> float:
        """Points nbgrader awarded (from its gradebook)."""
        script = (
            "from nbgrader.api import Gradebook\n"
            f"with Gradebook('sqlite:///{self.root}/gradebook.db') as gb:\n"
            f"    print(gb.find_submission('ml', {student!r}).score)\n"
        )
        out = subprocess.run(
            [str(self.tools / "python"), "-c", script], capture_output=True, text=True, check=True
        )
        return float(out.stdout.strip())


# --- otter-grader ---------------------------------------------------------------------------

OTTER_TEST = """from otter.test_files import test_case

OK_FORMAT = False
name = {name!r}
points = 1


@test_case(points=1)
def check_{index}(env):
    from inkernel import check

    assert check({test_id!r}, env)
"""


class OtterAutograder:
    """An otter autograder zip for the suite; ``grade(notebook)`` runs `otter run` once."""

    def __init__(self, tools: Path, root: Path, exercise: Exercise, test_ids: list[str]) -> None:
        self.tools, self.root, self.exercise = tools, root, exercise
        build = root / "build"
        files = build / "files"
        _workdir_files(exercise, files)
        tests = build / "tests"
        tests.mkdir(parents=True)
        for index, test_id in enumerate(test_ids):
            (tests / f"q{index}.py").write_text(
                OTTER_TEST.format(name=f"q{index}", index=index, test_id=test_id)
            )
        (build / "requirements.txt").write_text("")
        support = sorted(p.name for p in files.iterdir())
        self.zip = root / "autograder.zip"
        for name in support:
            shutil.move(str(files / name), str(build / name))
        subprocess.run(
            [str(self.tools / "otter"), "generate", "-t", "tests", "-o", str(self.zip), *support],
            cwd=build,
            check=True,
            capture_output=True,
            env=tool_env(self.tools),
        )

    def grade(self, notebook: Path) -> tuple[float, float]:
        """(wall time, points) of `otter run` on one submission."""
        out = self.root / f"out-{time.monotonic_ns()}"
        out.mkdir()
        submission = out / "submission.ipynb"
        shutil.copy(notebook, submission)
        started = time.monotonic()
        subprocess.run(
            [
                str(self.tools / "otter"),
                "run",
                "-a",
                str(self.zip),
                "-o",
                str(out),
                str(submission),
            ],
            cwd=out,
            check=True,
            capture_output=True,
            env=tool_env(self.tools),
        )
        seconds = time.monotonic() - started
        results = json.loads((out / "results.json").read_text())
        points = sum(t.get("score", 0) or 0 for t in results.get("tests", []))
        return seconds, float(points)

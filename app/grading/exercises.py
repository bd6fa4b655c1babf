"""Exercises as data: `exercises/<slug>/exercise.yaml` loaded into frozen objects.

An exercise's `kind` names a class of the sandbox's kind registry (`sandbox.kinds`, registered
explicitly, CTFd-style), which grades it and says which fields and files its folder needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from sandbox.job import GradingJob
from sandbox.kinds import KINDS, kind_for
from sandbox.limits import Limits

DIMENSIONS = (
    "python_engineering",
    "ml_fundamentals",
    "data_sql",
    "production_mindset",
    "collaboration",
    "learning_agility",
)
# What candidates may do with AI assistants (`ai_policy` in exercise.yaml), as they are told.
AI_POLICIES = {
    "not_allowed": (
        "AI assistants (ChatGPT, Copilot and the like) are not allowed for this exercise."
    ),
    "allowed_with_disclosure": (
        "AI assistants are allowed, but you must say how you used them when you upload."
    ),
    "allowed": "AI assistants are allowed for this exercise.",
}
DEFAULT_AI_POLICY = "not_allowed"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class ExerciseError(ValueError):
    """An exercise folder or exercise.yaml that cannot be used; the message names file and field."""


@dataclass(frozen=True)
class TestGroup:
    __test__ = False

    id: str
    title: str
    points: float
    dimension: str
    visible: bool
    description: str


@dataclass(frozen=True)
class Exercise:
    id: str
    version: int
    title: str
    kind: str
    time_budget_minutes: int
    notebook: str
    limits: Limits
    groups: tuple[TestGroup, ...]
    folder: Path
    ai_policy: str = DEFAULT_AI_POLICY

    @property
    def ai_policy_text(self) -> str:
        return AI_POLICIES[self.ai_policy]

    @property
    def asks_ai_disclosure(self) -> bool:
        return self.ai_policy == "allowed_with_disclosure"

    @property
    def starter_dir(self) -> Path:
        return self.folder / "starter"

    @property
    def hidden_dir(self) -> Path:
        return self.folder / "hidden"

    @property
    def brief(self) -> str:
        readme = self.folder / "README.md"
        return readme.read_text(encoding="utf-8") if readme.is_file() else ""

    @property
    def max_score(self) -> float:
        return sum(group.points for group in self.groups)

    def job(self, notebook: bytes, run_id: str | None = None) -> GradingJob:
        """A grading run of `notebook` (already through intake) against this exercise; `run_id`
        labels its sandbox containers (a fresh one when not given)."""
        job = GradingJob(
            notebook=notebook,
            notebook_name=self.notebook,
            starter_dir=self.starter_dir,
            hidden_dir=self.hidden_dir,
            limits=self.limits,
            kind=self.kind,
        )
        return job if run_id is None else replace(job, run_id=run_id)

    def group(self, group_id: str) -> TestGroup | None:
        return next((group for group in self.groups if group.id == group_id), None)


def exercise_folder(exercises_dir: Path, slug_or_path: str) -> Path:
    """The folder of an exercise given its slug (under `exercises_dir`) or a path to it."""
    if SLUG.match(slug_or_path):
        folder = Path(exercises_dir) / slug_or_path
        if folder.is_dir():
            return folder
    folder = Path(slug_or_path)
    if (folder / "exercise.yaml").is_file():
        return folder
    known = ", ".join(e.id for e in list_exercises(exercises_dir)) or "none"
    raise ExerciseError(f"no exercise {slug_or_path!r}; known exercises: {known}")


def load_exercise(exercises_dir: Path, slug_or_path: str) -> Exercise:
    return parse_exercise(exercise_folder(exercises_dir, slug_or_path))


_parsed: dict[Path, tuple[int, Exercise]] = {}


def exercise_in(exercises_dir: Path, slug: str) -> Exercise:
    """The exercise `slug` of `exercises_dir`, parsed once and again only after its exercise.yaml
    changed: pages, the API and workers ask for it on every request and run."""
    folder = exercise_folder(exercises_dir, slug)
    stamp = (folder / "exercise.yaml").stat().st_mtime_ns
    cached = _parsed.get(folder)
    if cached is None or cached[0] != stamp:
        cached = (stamp, parse_exercise(folder))
        _parsed[folder] = cached
    return cached[1]


def installed_exercise(slug: str) -> Exercise:
    """The exercise `slug` of the app's EXERCISES_DIR (cached, see exercise_in)."""
    return exercise_in(Path(current_app.config["EXERCISES_DIR"]), slug)


def installed_exercises() -> list[Exercise]:
    """Every exercise of the app's EXERCISES_DIR, by slug (cached, see exercise_in)."""
    directory = Path(current_app.config["EXERCISES_DIR"])
    yamls = sorted(directory.glob("*/exercise.yaml"))
    return [exercise_in(directory, path.parent.name) for path in yamls]


def list_exercises(exercises_dir: Path) -> list[Exercise]:
    folders = sorted(p.parent for p in Path(exercises_dir).glob("*/exercise.yaml"))
    return [parse_exercise(folder) for folder in folders]


def parse_exercise(folder: Path) -> Exercise:
    path = folder / "exercise.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExerciseError(f"{path}: cannot be read as YAML: {error}") from error
    if not isinstance(data, dict):
        raise ExerciseError(f"{path}: must be a mapping of fields")
    field = _FieldReader(path, data)
    exercise_id = field.text("id")
    if exercise_id != folder.name:
        raise ExerciseError(
            f"{path}: field 'id' is {exercise_id!r} but the folder is {folder.name!r}"
        )
    kind = field.text("kind")
    if kind not in KINDS:
        raise ExerciseError(f"{path}: field 'kind' must be one of {sorted(KINDS)}, not {kind!r}")
    try:
        limits = Limits().with_overrides(data.get("limits") or {})
    except ValueError as error:
        raise ExerciseError(f"{path}: field 'limits': {error}") from error
    notebook = field.text("notebook")
    problem = kind_for(kind).check_folder(folder, data)
    if problem is not None:
        raise ExerciseError(f"{path}: {problem}")
    ai_policy = data.get("ai_policy", DEFAULT_AI_POLICY)
    if ai_policy not in AI_POLICIES:
        raise ExerciseError(
            f"{path}: field 'ai_policy' must be one of {', '.join(AI_POLICIES)}, not {ai_policy!r}"
        )
    groups = tuple(_group(path, index, raw) for index, raw in enumerate(field.list("groups")))
    if len({g.id for g in groups}) != len(groups):
        raise ExerciseError(f"{path}: field 'groups' has duplicate ids")
    return Exercise(
        id=exercise_id,
        version=field.integer("version"),
        title=field.text("title"),
        kind=kind,
        time_budget_minutes=field.integer("time_budget_minutes"),
        notebook=notebook,
        limits=limits,
        groups=groups,
        folder=folder,
        ai_policy=ai_policy,
    )


def _group(path: Path, index: int, raw: Any) -> TestGroup:
    if not isinstance(raw, dict):
        raise ExerciseError(f"{path}: groups[{index}] must be a mapping")
    field = _FieldReader(path, raw, prefix=f"groups[{index}].")
    dimension = field.text("dimension")
    if dimension not in DIMENSIONS:
        raise ExerciseError(
            f"{path}: field 'groups[{index}].dimension' must be one of {', '.join(DIMENSIONS)}"
        )
    points = raw.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise ExerciseError(f"{path}: field 'groups[{index}].points' must be a positive number")
    return TestGroup(
        id=field.text("id"),
        title=field.text("title"),
        points=float(points),
        dimension=dimension,
        visible=bool(raw.get("visible", False)),
        description=str(raw.get("description", "")).strip(),
    )


@dataclass(frozen=True)
class _FieldReader:
    path: Path
    data: dict[str, Any]
    prefix: str = ""

    def _missing(self, name: str, what: str) -> ExerciseError:
        return ExerciseError(f"{self.path}: field '{self.prefix}{name}' must be {what}")

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self._missing(name, "a non-empty string")
        return value.strip()

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self._missing(name, "a positive whole number")
        return value

    def list(self, name: str) -> list[Any]:
        value = self.data.get(name)
        if not isinstance(value, list) or not value:
            raise self._missing(name, "a non-empty list")
        return value

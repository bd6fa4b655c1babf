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

from app.grading import variants
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
class TextEvidence:
    """A section of the submission no test can judge (e.g. a Summary's prose): its visible text
    is shown to the interviewer as evidence for `dimension`, and earns no points."""

    heading: str  # the markdown heading the section starts at (matched case-insensitively)
    title: str
    dimension: str
    look_for: str


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
    # `variants: {generator: file.py}` in exercise.yaml: a script of the folder whose
    # `variant_files(seed)` makes one candidate's data (app/grading/variants.py); None: one data set
    variant_generator: str | None = None
    evidence: tuple[TextEvidence, ...] = ()

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
    def crosscheck(self) -> bytes | None:
        """The probes phase 2 compares with phase 1 (exercises/README.md), if any."""
        path = self.folder / "crosscheck.py"
        return path.read_bytes() if path.is_file() else None

    @property
    def max_score(self) -> float:
        return sum(group.points for group in self.groups)

    @property
    def has_variants(self) -> bool:
        return self.variant_generator is not None

    def job(
        self, notebook: bytes, run_id: str | None = None, variant_seed: int | None = None
    ) -> GradingJob:
        """A grading run of `notebook` (already through intake) against this exercise; `run_id`
        labels its sandbox containers (a fresh one when not given). `variant_seed` (the
        assignment's) grades against that candidate's starter data and hidden holdout, generated
        here on the trusted side; None, or an exercise without variants, uses the folder's own."""
        folder = variants.variant_folder(self, variant_seed)
        job = GradingJob(
            notebook=notebook,
            notebook_name=self.notebook,
            starter_dir=folder / "starter",
            hidden_dir=folder / "hidden",
            limits=self.limits,
            kind=self.kind,
            crosscheck=self.crosscheck,
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


def exercises_in(exercises_dir: Path) -> list[Exercise]:
    """Every exercise of `exercises_dir`, by slug (cached, see exercise_in)."""
    yamls = sorted(Path(exercises_dir).glob("*/exercise.yaml"))
    return [exercise_in(Path(exercises_dir), path.parent.name) for path in yamls]


def installed_exercises() -> list[Exercise]:
    """Every exercise of the app's EXERCISES_DIR, by slug (cached, see exercise_in)."""
    return exercises_in(Path(current_app.config["EXERCISES_DIR"]))


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
    generator = _variant_generator(path, folder, data.get("variants"))
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
        variant_generator=generator,
        evidence=_evidence(path, data.get("evidence", [])),
    )


def _variant_generator(path: Path, folder: Path, raw: Any) -> str | None:
    """The `variants:` field: None, or `{generator: <a .py file of the folder>}`."""
    if raw is None:
        return None
    generator = raw.get("generator") if isinstance(raw, dict) else None
    if not isinstance(generator, str) or not generator.endswith(".py"):
        raise ExerciseError(
            f"{path}: field 'variants' must be a mapping with 'generator: <script>.py'"
        )
    script = (folder / generator).resolve()
    if folder.resolve() not in script.parents or not script.is_file():
        raise ExerciseError(f"{path}: field 'variants.generator': no file {generator} in {folder}")
    return generator


def _evidence(path: Path, raw: Any) -> tuple[TextEvidence, ...]:
    if not isinstance(raw, list):
        raise ExerciseError(f"{path}: field 'evidence' must be a list")
    found = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ExerciseError(f"{path}: evidence[{index}] must be a mapping")
        field = _FieldReader(path, item, prefix=f"evidence[{index}].")
        found.append(
            TextEvidence(
                heading=field.text("heading"),
                title=field.text("title"),
                dimension=field.dimension("dimension"),
                look_for=str(item.get("look_for", "")).strip(),
            )
        )
    return tuple(found)


def _group(path: Path, index: int, raw: Any) -> TestGroup:
    if not isinstance(raw, dict):
        raise ExerciseError(f"{path}: groups[{index}] must be a mapping")
    field = _FieldReader(path, raw, prefix=f"groups[{index}].")
    dimension = field.dimension("dimension")
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

    def dimension(self, name: str) -> str:
        value = self.text(name)
        if value not in DIMENSIONS:
            raise self._missing(name, f"one of {', '.join(DIMENSIONS)}")
        return value

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

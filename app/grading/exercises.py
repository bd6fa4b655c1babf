"""Exercises as data: `exercises/<slug>/exercise.yaml` loaded into frozen objects.

An exercise's `kind` names a class of the sandbox's kind registry (`sandbox.kinds`, registered
explicitly, CTFd-style), which grades it and says which fields and files its folder needs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from flask import current_app
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.grading import variants
from app.yaml_source import (
    FileCache,
    FileModel,
    Invalid,
    PositiveWholeNumber,
    Text,
    YamlFileError,
    one_of,
    read_yaml,
    validate,
)
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
Dimension = Annotated[str, one_of(DIMENSIONS)]
Prose = Annotated[str, BeforeValidator(lambda value: "" if value is None else str(value).strip())]


class ExerciseError(YamlFileError):
    """An exercise folder or exercise.yaml that cannot be used; the message names file, line and
    field."""


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"must be a positive number (got {value!r})")
    return float(value)


def _limits(value: Any) -> Limits:
    """`limits:` of exercise.yaml (top level): each refusal names the line of its limit."""
    if isinstance(value, Limits):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping of limit names to values (got {value!r})")
    limits = Limits()
    for name, limit in value.items():
        try:
            limits = limits.with_overrides({name: limit})
        except ValueError as error:
            raise Invalid(("limits", str(name)), str(error)) from None
    return limits


class TestGroup(FileModel):
    """A group of hidden tests: its points count towards a rubric dimension."""

    __test__ = False
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: Text
    title: Text
    points: Annotated[float, PlainValidator(_positive_number)]
    dimension: Dimension
    visible: bool = False
    description: Prose = ""


class TextEvidence(FileModel):
    """A section of the submission no test can judge (e.g. a Summary's prose): its visible text
    is shown to the interviewer as evidence for `dimension`, and earns no points."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    heading: Text  # the markdown heading the section starts at (matched case-insensitively)
    title: Text
    dimension: Dimension
    look_for: Prose = ""


class Exercise(FileModel):
    """One exercise.yaml, validated, with the folder it was read from (`folder`)."""

    # Kinds may read fields of their own from exercise.yaml (sandbox.kinds: check_folder).
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: Text
    version: PositiveWholeNumber
    title: Text
    kind: Text
    time_budget_minutes: PositiveWholeNumber
    notebook: Text
    limits: Annotated[Limits, PlainValidator(_limits)] = Field(default_factory=Limits)
    groups: tuple[TestGroup, ...]
    folder: Path
    ai_policy: Annotated[str, one_of(AI_POLICIES)] = DEFAULT_AI_POLICY
    # `variants: {generator: file.py}` in exercise.yaml: a script of the folder whose
    # `variant_files(seed)` makes one candidate's data (app/grading/variants.py); None: one data set
    variant_generator: str | None = Field(default=None, alias="variants")
    evidence: tuple[TextEvidence, ...] = ()

    @field_validator("kind")
    @classmethod
    def _registered(cls, kind: str) -> str:
        if kind not in KINDS:  # read now: kinds register at import time
            raise ValueError(f"must be one of {', '.join(sorted(KINDS))} (got {kind!r})")
        return kind

    @field_validator("groups")
    @classmethod
    def _distinct(cls, groups: tuple[TestGroup, ...]) -> tuple[TestGroup, ...]:
        if not groups:
            raise ValueError("must be a non-empty list")
        if len({group.id for group in groups}) != len(groups):
            raise ValueError("has duplicate ids")
        return groups

    @field_validator("limits", mode="before")
    @classmethod
    def _none_is_default(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("variant_generator", mode="before")
    @classmethod
    def _generator(cls, raw: Any, info: ValidationInfo) -> str | None:
        """None, or `{generator: <a .py file of the folder>}`."""
        if raw is None:
            return None
        generator = raw.get("generator") if isinstance(raw, dict) else None
        if not isinstance(generator, str) or not generator.endswith(".py"):
            raise ValueError("must be a mapping with 'generator: <script>.py'")
        folder = Path(info.data.get("folder") or ".")
        script = (folder / generator).resolve()
        if folder.resolve() not in script.parents or not script.is_file():
            raise Invalid(("variants", "generator"), f"no file {generator} in {folder}")
        return generator

    @model_validator(mode="after")
    def _fits_its_folder(self, info: ValidationInfo) -> Exercise:
        if self.id != self.folder.name:
            raise Invalid(("id",), f"is {self.id!r} but the folder is {self.folder.name!r}")
        problem = kind_for(self.kind).check_folder(self.folder, (info.context or {})["fields"])
        if problem is not None:
            raise Invalid((), problem)
        return self

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
    known = ", ".join(e.id for e in exercises_in(exercises_dir)) or "none"
    raise ExerciseError(f"no exercise {slug_or_path!r}; known exercises: {known}")


def load_exercise(exercises_dir: Path, slug_or_path: str) -> Exercise:
    return parse_exercise(exercise_folder(exercises_dir, slug_or_path))


_exercises: FileCache[Exercise] = FileCache()


def exercise_in(exercises_dir: Path, slug: str) -> Exercise:
    """The exercise `slug` of `exercises_dir`, parsed once and again only after its exercise.yaml
    changed: pages, the API and workers ask for it on every request and run."""
    folder = exercise_folder(exercises_dir, slug)
    yaml_file = folder / "exercise.yaml"
    return _exercises.get(folder, [yaml_file], lambda: parse_exercise(folder))


def exercise_problems(exercises_dir: Path) -> list[str]:
    """What is wrong with the exercises of `exercises_dir` (checked at start-up), one
    `file:line: field: message` per broken exercise.yaml; the good ones are cached."""
    problems = []
    for path in sorted(Path(exercises_dir).glob("*/exercise.yaml")):
        try:
            exercise_in(Path(exercises_dir), path.parent.name)
        except ExerciseError as error:
            problems.append(str(error))
    return problems


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


def parse_exercise(folder: Path) -> Exercise:
    """Read and validate `folder`/exercise.yaml; an ExerciseError names its file, line and field."""
    data, source = read_yaml(folder / "exercise.yaml", error=ExerciseError)
    if isinstance(data, dict):
        # `folder` comes before the fields that need it (the variants generator)
        data = {"folder": folder, **{k: v for k, v in data.items() if k != "folder"}}
    return validate(Exercise, data, source, ExerciseError, context={"fields": data})

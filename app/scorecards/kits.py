"""Interview kits (`rubrics/kits/*.yaml`): what to ask, what to look for, which dimensions count."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator

from app import yaml_source
from app.scorecards.source import RubricError
from app.yaml_source import FileModel, Key, PositiveWholeNumber, Source, Text


def _once_each(keys: tuple[str, ...]) -> tuple[str, ...]:
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise ValueError(f"lists dimension {key!r} twice")
    return keys


class Question(FileModel):
    prompt: Text
    look_for: tuple[Text, ...]
    dimensions: tuple[Key, ...] = ()

    _once = field_validator("dimensions")(_once_each)

    @field_validator("look_for")
    @classmethod
    def _some(cls, points: tuple[str, ...]) -> tuple[str, ...]:
        if not points:
            raise ValueError("must not be empty")
        return points


class Kit(FileModel):
    id: Key
    version: PositiveWholeNumber
    title: Text
    rubric_id: Key = Field(alias="rubric")
    dimensions: tuple[Key, ...]
    questions: tuple[Question, ...]
    stage: Text = ""  # the pipeline stage this kit is usually used in (a suggestion)
    duration_minutes: Annotated[int, yaml_source.whole_number(minimum=5)] = 45
    summary: Text = ""

    _once = field_validator("dimensions")(_once_each)

    @field_validator("dimensions", "questions")
    @classmethod
    def _some(cls, items: tuple[Any, ...]) -> tuple[Any, ...]:
        if not items:
            raise ValueError("must not be empty")
        return items

    @field_validator("questions")
    @classmethod
    def _covered(cls, questions: tuple[Question, ...], info: Any) -> tuple[Question, ...]:
        """A question counts towards the kit's own dimensions only."""
        dimensions = info.data.get("dimensions", ())
        for number, question in enumerate(questions):
            for index, key in enumerate(question.dimensions):
                if key not in dimensions:
                    raise yaml_source.Invalid(
                        ("questions", number, "dimensions", index),
                        f"{key!r} is not one of the kit's dimensions ({', '.join(dimensions)})",
                    )
        return questions

    def to_snapshot(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "rubric": self.rubric_id,
            "duration_minutes": self.duration_minutes,
            **({"stage": self.stage} if self.stage else {}),
            **({"summary": self.summary} if self.summary else {}),
            "dimensions": list(self.dimensions),
            "questions": [
                {"prompt": q.prompt, "look_for": list(q.look_for)}
                | ({"dimensions": list(q.dimensions)} if q.dimensions else {})
                for q in self.questions
            ],
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Kit:
        name = f"snapshot of kit {data.get('id')!r} v{data.get('version')}"
        return yaml_source.validate(cls, data, Source(name), RubricError)


def load_kit(path: Path, display_name: str | None = None) -> tuple[Kit, Source]:
    """Load and validate one kit file (its dimensions are checked against the rubric by the
    catalog, which needs the Source to point at the offending line)."""
    data, source = yaml_source.read_yaml(path, display_name, RubricError)
    return yaml_source.validate(Kit, data, source, RubricError), source

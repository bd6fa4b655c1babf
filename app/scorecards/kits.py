"""Interview kits (`rubrics/kits/*.yaml`): what to ask, what to look for, which dimensions count."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.scorecards.source import Source, Value, read_yaml


@dataclass(frozen=True)
class Question:
    prompt: str
    look_for: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Kit:
    id: str
    version: int
    title: str
    rubric_id: str
    stage: str  # the pipeline stage this kit is usually used in (a suggestion)
    duration_minutes: int
    summary: str
    dimensions: tuple[str, ...]
    questions: tuple[Question, ...]

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
        return parse_kit(Value(data, (), Source(name)))


def _keys(value: Value) -> tuple[str, ...]:
    keys: list[str] = []
    for item in value.items():
        key = item.key()
        if key in keys:
            raise item.fail(f"lists dimension {key!r} twice")
        keys.append(key)
    return tuple(keys)


def parse_kit(root: Value) -> Kit:
    root.mapping(
        ("id", "version", "title", "rubric", "dimensions", "questions"),
        ("stage", "duration_minutes", "summary"),
    )
    dimensions = _keys(root["dimensions"])
    questions = []
    for item in root["questions"].items():
        item.mapping(("prompt", "look_for"), ("dimensions",))
        covered = _keys(item["dimensions"]) if item.has("dimensions") else ()
        for index, key in enumerate(covered):
            if key not in dimensions:
                raise item["dimensions"].source.error(
                    (*item.path, "dimensions", index),
                    f"{key!r} is not one of the kit's dimensions ({', '.join(dimensions)})",
                )
        questions.append(
            Question(
                prompt=item["prompt"].text(),
                look_for=tuple(point.text() for point in item["look_for"].items()),
                dimensions=covered,
            )
        )
    return Kit(
        id=root["id"].key(),
        version=root["version"].integer(minimum=1),
        title=root["title"].text(),
        rubric_id=root["rubric"].key(),
        stage=root["stage"].text() if root.has("stage") else "",
        duration_minutes=(
            root["duration_minutes"].integer(minimum=5) if root.has("duration_minutes") else 45
        ),
        summary=root["summary"].text() if root.has("summary") else "",
        dimensions=dimensions,
        questions=tuple(questions),
    )


def load_kit(path: Path, display_name: str | None = None) -> tuple[Kit, Source]:
    """Load and validate one kit file (its dimensions are checked against the rubric by the
    catalog, which needs the Source to point at the offending line)."""
    data, source = read_yaml(path, display_name)
    return parse_kit(Value(data, (), source)), source

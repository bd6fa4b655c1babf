"""Rubrics: validated from `rubrics/*.yaml` into frozen dataclasses, and back into snapshots.

A scorecard stores `Rubric.to_snapshot()`; `Rubric.from_snapshot()` rebuilds the rubric it was
scored against, so editing a YAML file never changes how a past scorecard reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import field_validator

from app.scorecards.source import RubricError
from app.yaml_source import (
    FileModel,
    Invalid,
    Key,
    PositiveWholeNumber,
    Source,
    Text,
    WholeNumber,
    read_yaml,
    unique,
    validate,
)

__all__ = ["Dimension", "Level", "Rubric", "RubricError", "Signal", "load_rubric"]


class Level(FileModel):
    """One step of a scale; `value` is the ordinal (None for "no evidence")."""

    key: Key
    label: Text
    value: WholeNumber | None
    description: Text = ""


def _scale(levels: tuple[Level, ...]) -> tuple[Level, ...]:
    if not levels:
        raise ValueError("must not be empty")
    keys = [level.key for level in levels]
    if len(set(keys)) != len(keys):
        raise ValueError(f"has a duplicate level {next(k for k in keys if keys.count(k) > 1)!r}")
    rated = [level.value for level in levels if level.value is not None]
    if len(rated) < 2:
        raise ValueError("needs at least two levels with a numeric value")
    if rated != sorted(set(rated)):
        raise ValueError("level values must increase from the first level to the last")
    return levels


class Anchors(FileModel):
    meets: Text
    strong: Text


class Dimension(FileModel):
    key: Key
    title: Text
    anchors: Anchors
    scale: tuple[Level, ...]  # the rubric's scale unless the dimension has its own
    description: Text = ""

    _scale = field_validator("scale")(_scale)

    @property
    def meets(self) -> str:
        return self.anchors.meets

    @property
    def strong(self) -> str:
        return self.anchors.strong

    def level(self, key: str) -> Level | None:
        return next((level for level in self.scale if level.key == key), None)


class Signal(FileModel):
    key: Key
    text: Text


def _not_empty(items: tuple[Any, ...]) -> tuple[Any, ...]:
    if not items:
        raise ValueError("must not be empty")
    return items


class Rubric(FileModel):
    id: Key
    version: PositiveWholeNumber
    title: Text
    scale: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    strong_signals: tuple[Signal, ...]
    weak_signals: tuple[Signal, ...]
    red_flags: tuple[Signal, ...]
    recommendations: tuple[Level, ...]
    role: Text = ""

    _scale = field_validator("scale")(_scale)
    _lists = field_validator(
        "dimensions", "strong_signals", "weak_signals", "red_flags", "recommendations"
    )(_not_empty)

    @field_validator("dimensions", mode="before")
    @classmethod
    def _inherit_scale(cls, dimensions: Any, info: Any) -> Any:
        """A dimension without a scale of its own uses the rubric's."""
        scale = info.data.get("scale")
        if scale is None or not isinstance(dimensions, list):
            return dimensions
        return [
            {**item, "scale": scale} if isinstance(item, dict) and "scale" not in item else item
            for item in dimensions
        ]

    @field_validator("dimensions")
    @classmethod
    def _unique_dimensions(cls, dimensions: tuple[Dimension, ...]) -> tuple[Dimension, ...]:
        unique((d.key for d in dimensions), ("dimensions",), "dimension")
        return dimensions

    @field_validator("recommendations")
    @classmethod
    def _numeric(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        unique((level.key for level in levels), ("recommendations",), "recommendation")
        for index, level in enumerate(levels):
            if level.value is None:
                raise Invalid(("recommendations", index, "value"), "must be a whole number")
        return levels

    @field_validator("red_flags")
    @classmethod
    def _unique_signals(cls, flags: tuple[Signal, ...], info: Any) -> tuple[Signal, ...]:
        """Signal keys are unique across the three lists (a scorecard names them by key)."""
        seen: set[str] = set()
        for name in ("strong_signals", "weak_signals", "red_flags"):
            signals = flags if name == "red_flags" else info.data.get(name, ())
            for index, signal in enumerate(signals):
                if signal.key in seen:
                    problem = f"duplicate signal or red flag {signal.key!r}"
                    raise Invalid((name, index, "key"), problem)
                seen.add(signal.key)
        return flags

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(dimension.key for dimension in self.dimensions)

    def recommendation(self, key: str | None) -> Level | None:
        return next((level for level in self.recommendations if level.key == key), None)

    def signal_text(self, key: str) -> str:
        for signal in (*self.strong_signals, *self.weak_signals, *self.red_flags):
            if signal.key == key:
                return signal.text
        return key

    def to_snapshot(self) -> dict[str, Any]:
        """Plain JSON data that `from_snapshot` reads back into an equal Rubric."""

        def levels(scale: tuple[Level, ...]) -> list[dict[str, Any]]:
            return [
                {"key": x.key, "label": x.label, "value": x.value}
                | ({"description": x.description} if x.description else {})
                for x in scale
            ]

        def signals(items: tuple[Signal, ...]) -> list[dict[str, str]]:
            return [{"key": s.key, "text": s.text} for s in items]

        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            **({"role": self.role} if self.role else {}),
            "scale": levels(self.scale),
            "dimensions": [
                {
                    "key": d.key,
                    "title": d.title,
                    "anchors": {"meets": d.meets, "strong": d.strong},
                    "scale": levels(d.scale),
                }
                | ({"description": d.description} if d.description else {})
                for d in self.dimensions
            ],
            "strong_signals": signals(self.strong_signals),
            "weak_signals": signals(self.weak_signals),
            "red_flags": signals(self.red_flags),
            "recommendations": levels(self.recommendations),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Rubric:
        name = f"snapshot of rubric {data.get('id')!r} v{data.get('version')}"
        return validate(cls, data, Source(name), RubricError)


def load_rubric(path: Path, display_name: str | None = None) -> Rubric:
    """Load and validate one rubric file; a RubricError names the file, line and field."""
    data, source = read_yaml(path, display_name, RubricError)
    return validate(Rubric, data, source, RubricError)

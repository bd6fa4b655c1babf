"""Rubrics: validated from `rubrics/*.yaml` into frozen dataclasses, and back into snapshots.

A scorecard stores `Rubric.to_snapshot()`; `Rubric.from_snapshot()` rebuilds the rubric it was
scored against, so editing a YAML file never changes how a past scorecard reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.scorecards.source import RubricError, Source, Value, read_yaml, unique_keys

__all__ = ["Dimension", "Level", "Rubric", "RubricError", "Signal", "load_rubric", "parse_rubric"]


@dataclass(frozen=True)
class Level:
    """One step of a scale; `value` is the ordinal (None for "no evidence")."""

    key: str
    label: str
    value: int | None
    description: str = ""


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    description: str
    meets: str
    strong: str
    scale: tuple[Level, ...]

    def level(self, key: str) -> Level | None:
        return next((level for level in self.scale if level.key == key), None)


@dataclass(frozen=True)
class Signal:
    key: str
    text: str


@dataclass(frozen=True)
class Rubric:
    id: str
    version: int
    title: str
    role: str
    scale: tuple[Level, ...]
    dimensions: tuple[Dimension, ...]
    strong_signals: tuple[Signal, ...]
    weak_signals: tuple[Signal, ...]
    red_flags: tuple[Signal, ...]
    recommendations: tuple[Level, ...]

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
        return parse_rubric(Value(data, (), Source(name)))


def _levels(value: Value, what: str, numeric: bool = False) -> tuple[Level, ...]:
    items = list(value.items())
    levels = []
    for item in items:
        item.mapping(("key", "label", "value"), ("description",))
        description = item["description"].text() if item.has("description") else ""
        levels.append(
            Level(
                key=item["key"].key(),
                label=item["label"].text(),
                value=item["value"].integer() if numeric else item["value"].optional_integer(),
                description=description,
            )
        )
    unique_keys([item["key"] for item in items], [level.key for level in levels], what)
    return tuple(levels)


def _scale(value: Value) -> tuple[Level, ...]:
    scale = _levels(value, "level")
    rated = [level.value for level in scale if level.value is not None]
    if len(rated) < 2:
        raise value.fail("needs at least two levels with a numeric value")
    if rated != sorted(set(rated)):
        raise value.fail("level values must increase from the first level to the last")
    return scale


def _signals(value: Value, what: str) -> tuple[Signal, ...]:
    items = list(value.items())
    signals = []
    for item in items:
        item.mapping(("key", "text"))
        signals.append(Signal(key=item["key"].key(), text=item["text"].text()))
    unique_keys([item["key"] for item in items], [signal.key for signal in signals], what)
    return tuple(signals)


def parse_rubric(root: Value) -> Rubric:
    root.mapping(
        (
            "id",
            "version",
            "title",
            "scale",
            "dimensions",
            "strong_signals",
            "weak_signals",
            "red_flags",
            "recommendations",
        ),
        ("role",),
    )
    scale = _scale(root["scale"])
    items = list(root["dimensions"].items())
    dimensions = []
    for item in items:
        item.mapping(("key", "title", "anchors"), ("description", "scale"))
        anchors = item["anchors"].mapping(("meets", "strong"))
        dimensions.append(
            Dimension(
                key=item["key"].key(),
                title=item["title"].text(),
                description=item["description"].text() if item.has("description") else "",
                meets=anchors["meets"].text(),
                strong=anchors["strong"].text(),
                scale=_scale(item["scale"]) if item.has("scale") else scale,
            )
        )
    unique_keys([item["key"] for item in items], [d.key for d in dimensions], "dimension")
    strong = _signals(root["strong_signals"], "signal")
    weak = _signals(root["weak_signals"], "signal")
    flags = _signals(root["red_flags"], "red flag")
    every_signal = [root["strong_signals"], root["weak_signals"], root["red_flags"]]
    all_keys = [s.key for s in (*strong, *weak, *flags)]
    all_values = [item["key"] for group in every_signal for item in group.items()]
    unique_keys(all_values, all_keys, "signal or red flag")
    recommendations = _levels(root["recommendations"], "recommendation", numeric=True)
    return Rubric(
        id=root["id"].key(),
        version=root["version"].integer(minimum=1),
        title=root["title"].text(),
        role=root["role"].text() if root.has("role") else "",
        scale=scale,
        dimensions=tuple(dimensions),
        strong_signals=strong,
        weak_signals=weak,
        red_flags=flags,
        recommendations=recommendations,
    )


def load_rubric(path: Path, display_name: str | None = None) -> Rubric:
    """Load and validate one rubric file; a RubricError names the file, line and field."""
    data, source = read_yaml(path, display_name)
    return parse_rubric(Value(data, (), source))

"""Reading rubric and kit YAML with line numbers, so a malformed file names file, line and field.

PyYAML's composed node tree carries a start mark for every value; we record the line of each path
(``dimensions[2].anchors.meets``) and validate the plain Python data against those paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class RubricError(ValueError):
    """A rubric or kit file that does not follow the expected shape."""


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


@dataclass(frozen=True)
class Source:
    """Where values came from: a file name and the 1-based line of every path in it."""

    name: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def error(self, path: PathKey, problem: str) -> RubricError:
        line = self.line_of(path)
        where = f"{self.name}, line {line}" if line is not None else self.name
        return RubricError(f"{where}: {format_path(path)}: {problem}")


def _record_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], source: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line = key_node.start_mark.line + 1
                raise RubricError(
                    f"{source}, line {line}: {format_path((*path, key))}: duplicate key"
                )
            seen.add(key)
            _record_lines(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, source)


def read_yaml(path: Path, display_name: str | None = None) -> tuple[Any, Source]:
    """Parse a YAML file safely; return its data and a Source that knows every value's line."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RubricError(f"{name}: cannot be read ({error.strerror})") from error
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise RubricError(f"{name}{line}: not valid YAML: {error.problem}") from error
    lines: dict[PathKey, int] = {}
    if node is not None:
        _record_lines(node, (), lines, name)
    return data, Source(name, lines)


@dataclass(frozen=True)
class Value:
    """A value at a path of a source, with checked accessors that raise a located RubricError."""

    data: Any
    path: PathKey
    source: Source

    def fail(self, problem: str) -> RubricError:
        return self.source.error(self.path, problem)

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Value:
        if not isinstance(self.data, dict):
            raise self.fail("must be a mapping of keys to values")
        for key in self.data:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                raise self.source.error((*self.path, str(key)), f"unknown key (allowed: {allowed})")
        for key in required:
            if key not in self.data:
                raise self.source.error((*self.path, key), "is missing")
        return self

    def __getitem__(self, key: str) -> Value:
        return Value(self.data.get(key), (*self.path, key), self.source)

    def has(self, key: str) -> bool:
        return isinstance(self.data, dict) and key in self.data

    def text(self) -> str:
        if not isinstance(self.data, str) or not self.data.strip():
            raise self.fail(f"must be a non-empty string (got {self.data!r})")
        return self.data.strip()

    def key(self) -> str:
        """An identifier: lower-case letters, digits, '_' and '-'."""
        value = self.text()
        if not all(c.islower() or c.isdigit() or c in "_-" for c in value):
            raise self.fail(f"must use lower-case letters, digits, '_' or '-' (got {value!r})")
        return value

    def integer(self, minimum: int | None = None) -> int:
        if not isinstance(self.data, int) or isinstance(self.data, bool):
            raise self.fail(f"must be a whole number (got {self.data!r})")
        if minimum is not None and self.data < minimum:
            raise self.fail(f"must be at least {minimum} (got {self.data})")
        return self.data

    def optional_integer(self) -> int | None:
        return None if self.data is None else self.integer()

    def items(self, non_empty: bool = True) -> Iterator[Value]:
        if not isinstance(self.data, list):
            raise self.fail("must be a list")
        if non_empty and not self.data:
            raise self.fail("must not be empty")
        for index, item in enumerate(self.data):
            yield Value(item, (*self.path, index), self.source)


def unique_keys(values: list[Value], keys: list[str], what: str) -> None:
    """Fail on the second occurrence of a key within one list."""
    seen: set[str] = set()
    for value, key in zip(values, keys, strict=True):
        if key in seen:
            raise value.fail(f"duplicate {what} {key!r}")
        seen.add(key)

"""YAML files read into pydantic models, every refusal located as `file:line: field: message`.

Exercises (`exercise.yaml`), rubrics and interview kits are declared once each, as pydantic models
over their YAML. PyYAML's composed node tree carries a start mark for every value; `read_yaml`
records the line of each path (``dimensions[2].anchors.meets``) and `validate` names the line of
the first error pydantic (or a validator raising `Invalid`) reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

PathKey = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class YamlFileError(ValueError):
    """A YAML file that cannot be used; the message names the file, line and field."""


class Invalid(Exception):
    """Raised by a validator that knows the full path of the value it refuses (not a
    ValueError on purpose: pydantic lets it through unchanged, path and all)."""

    def __init__(self, path: PathKey, problem: str) -> None:
        super().__init__(problem)
        self.path, self.problem = path, problem


class FileModel(BaseModel):
    """A frozen model of a file's mapping that refuses keys it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __setattr__(self, name: str, value: Any) -> None:
        """Frozen as a frozen dataclass is: assigning raises FrozenInstanceError."""
        raise FrozenInstanceError(f"cannot assign to field {name!r} of {type(self).__name__}")


def format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
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

    def message(self, path: PathKey, problem: str) -> str:
        line = self.line_of(path)
        where = f"{self.name}:{line}" if line is not None else self.name
        return f"{where}: {format_path(path)}: {problem}" if path else f"{where}: {problem}"


def _record_lines(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], name: str, error: type[Exception]
) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line = key_node.start_mark.line + 1
                raise error(f"{name}:{line}: {format_path((*path, key))}: duplicate key")
            seen.add(key)
            _record_lines(value_node, (*path, key), lines, name, error)
            lines[(*path, key)] = key_node.start_mark.line + 1  # a block value starts below
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, name, error)


def read_yaml(
    path: Path, display_name: str | None = None, error: type[YamlFileError] = YamlFileError
) -> tuple[Any, Source]:
    """Parse a YAML file safely; return its data and a Source that knows every value's line."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"{name}: cannot be read ({problem.strerror})") from problem
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise error(f"{name}{line}: cannot be read as YAML: {problem.problem}") from problem
    lines: dict[PathKey, int] = {}
    if node is not None:
        _record_lines(node, (), lines, name, error)
    return data, Source(name, lines)


def _problem(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys to values (got {error['input']!r})"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list (got {error['input']!r})"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error["msg"])


def validate(
    model: type[M],
    data: Any,
    source: Source,
    error: type[YamlFileError] = YamlFileError,
    context: dict[str, Any] | None = None,
) -> M:
    """`data` as a `model`, or `error` naming the file, line and field of the first problem."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as refused:
        errors = refused.errors()
        # A misspelt key also makes the right one missing: name the misspelling.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise error(source.message(tuple(first["loc"]), _problem(first))) from None
    except Invalid as refused:
        raise error(source.message(refused.path, refused.problem)) from None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string (got {value!r})")
    return value.strip()


def _key(value: Any) -> str:
    text = _text(value)
    if not all(c.islower() or c.isdigit() or c in "_-" for c in text):
        raise ValueError(f"must use lower-case letters, digits, '_' or '-' (got {text!r})")
    return text


def whole_number(minimum: int | None = None) -> BeforeValidator:
    """A whole number (never a bool), at least `minimum` when given."""

    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"must be a whole number (got {value!r})")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum} (got {value})")
        return value

    return BeforeValidator(check)


def one_of(choices: Iterable[str]) -> BeforeValidator:
    """A non-empty string among `choices`."""
    allowed = tuple(choices)

    def check(value: Any) -> str:
        text = _text(value)
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)} (got {text!r})")
        return text

    return BeforeValidator(check)


Text = Annotated[str, BeforeValidator(_text)]
Key = Annotated[str, BeforeValidator(_key)]
WholeNumber = Annotated[int, whole_number()]
PositiveWholeNumber = Annotated[int, whole_number(minimum=1)]


def unique(keys: Iterable[str], path: PathKey, what: str) -> None:
    """Refuse the second occurrence of a key in the list at `path` (items' `key` fields)."""
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise Invalid((*path, index, "key"), f"duplicate {what} {key!r}")
        seen.add(key)


class FileCache(Generic[T]):
    """What was loaded from some files, loaded again only after one of them changed (added,
    removed or rewritten): pages, the API and workers read exercises and rubrics on every
    request and run, never parsing their YAML again."""

    def __init__(self) -> None:
        self._loaded: dict[Path, tuple[tuple[tuple[str, int], ...], T]] = {}

    def get(self, key: Path, files: Iterable[Path], load: Callable[[], T]) -> T:
        stamp = tuple(sorted((str(path), path.stat().st_mtime_ns) for path in files))
        cached = self._loaded.get(key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load())
            self._loaded[key] = cached
        return cached[1]

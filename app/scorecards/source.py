"""The error of a rubric or kit file (read and located by app/yaml_source.py)."""

from __future__ import annotations

from app.yaml_source import YamlFileError


class RubricError(YamlFileError):
    """A rubric or kit file that does not follow the expected shape."""

"""Where the exercises live, and how to import the scripts kept in their folders."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
OWNED = ("ml-take-home", "metric-debugging", "sql-data-quality")


def load_script(exercise: str, name: str) -> ModuleType:
    """Import a script kept in an exercise folder (exercises/ is data, not a package)."""
    path = EXERCISES / exercise / f"{name}.py"
    spec = importlib.util.spec_from_file_location(
        f"exercise_{exercise.replace('-', '_')}_{name.replace('/', '_')}", path
    )
    assert spec is not None and spec.loader is not None, f"cannot import {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

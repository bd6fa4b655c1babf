"""The interface every sandbox backend implements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sandbox.job import GradingJob
from sandbox.results import GradingResult

ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(cell, total)`` when phase 1 starts code cell ``cell`` of ``total``."""


class Backend(Protocol):
    """Grades one job and always returns a verdict (never raises for candidate behaviour)."""

    name: str

    def grade(self, job: GradingJob, on_progress: ProgressCallback | None = None) -> GradingResult:
        """Run both phases of ``job`` and return the merged result."""
        ...

    def close(self) -> None:
        """Remove what the backend keeps ready (pre-started sandboxes); it stays usable."""
        ...

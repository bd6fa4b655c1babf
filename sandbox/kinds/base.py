"""What an exercise kind is: the class the registry (``sandbox.kinds``) maps a kind name to.

A kind decides three things for its exercises: which fields and files an exercise folder must
have, what a submission must look like (intake), and which sandbox phases grade it, with what.
The phases themselves are the runner's (``execute``: run the notebook; ``test``: the hidden
pytest suite); a kind composes them through ``Phases`` and merges their verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sandbox.backends.twophase import Phases
    from sandbox.job import GradingJob
    from sandbox.results import GradingResult


class ExerciseKind:
    """Subclass, set ``name`` and ``description``, implement the three methods, then register
    the class in ``sandbox/kinds/__init__.py`` (or call ``sandbox.kinds.register`` yourself)."""

    name: ClassVar[str]
    description: ClassVar[str]
    submission_suffix: ClassVar[str] = ".ipynb"  # what the candidate uploads

    def check_folder(self, folder: Path, fields: Mapping[str, Any]) -> str | None:
        """None when ``folder`` (an exercise of this kind, ``fields`` its exercise.yaml) is
        usable; otherwise what is wrong, naming the field."""
        raise NotImplementedError

    def accept(self, upload: bytes) -> bytes:
        """The submission as graded; raises ``sandbox.intake.IntakeError`` with the reason."""
        raise NotImplementedError

    def grade(self, job: GradingJob, submission: bytes, phases: Phases) -> GradingResult:
        """Run the phases this kind needs on ``submission`` and return one verdict."""
        raise NotImplementedError

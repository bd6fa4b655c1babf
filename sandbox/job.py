"""What one grading run needs: the submission, the exercise's starter and hidden folders, limits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.limits import Limits


@dataclass(frozen=True)
class GradingJob:
    """One submission to grade against one exercise.

    ``notebook_name`` is the starter notebook's path relative to ``starter_dir``: the submission is
    placed there in the sandbox's working directory. ``hidden_dir`` holds ``tests/`` and ``data/``.
    ``kind`` names the exercise kind (``sandbox.kinds``) that decides how the job is graded.
    """

    notebook: bytes
    notebook_name: str
    starter_dir: Path
    hidden_dir: Path | None
    limits: Limits = field(default_factory=Limits)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    kind: str = "notebook"
    crosscheck: bytes | None = None  # the exercise's crosscheck.py (sandbox/runner/crosscheck.py)

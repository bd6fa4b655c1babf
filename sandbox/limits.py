"""Resource limits of one grading run; defaults follow SANDBOX.md's reference values.

Shared by the host (container settings, wall-clock kills) and the runner (cell timeouts, output
caps), so it is stdlib-only and crosses into the container as plain JSON.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

MiB = 1024 * 1024


PREIMPORT_MIN_MB = 1024  # see Limits.preimport_stack
# Phase 2's own processes (runner, zygote, test process; the scientific stack imported): 197 MiB
# measured in the tiny exercise's container before candidate code ran. They get this on top of
# ``memory_mb``, so candidate code has in phase 2 the memory that phase 1 gave it.
GRADER_MEMORY_MB = 384


@dataclass(frozen=True)
class Limits:
    """Every limit one grading run is held to. Times in seconds, sizes in MiB unless named bytes."""

    memory_mb: int = 2048  # memswap = memory: no swap (PrairieLearn)
    cpus: float = 1.0
    pids: int = 256
    open_files: int = 1024
    file_size_mb: int = 256  # RLIMIT_FSIZE for any single file
    work_disk_mb: int = 512  # tmpfs holding the working directory
    tmp_disk_mb: int = 64  # tmpfs /tmp
    shm_mb: int = 64  # /dev/shm
    cell_timeout_s: float = 120.0
    notebook_timeout_s: float = 600.0  # whole-notebook budget, phase 1
    call_timeout_s: float = 120.0  # one submission.run(...) in phase 2
    tests_timeout_s: float = 600.0  # the whole of phase 2
    startup_grace_s: float = 60.0  # container + kernel start on top of a phase's budget
    output_bytes: int = 2 * MiB  # outputs kept in the executed notebook; the rest is truncated
    notebook_bytes: int = 16 * MiB  # executed notebook returned to the host
    log_bytes: int = 64 * 1024  # runner log text kept in the result
    answer_bytes: int = 16 * MiB  # one JSON answer of the candidate process in phase 2

    def with_overrides(self, overrides: dict[str, Any] | None) -> Limits:
        """A copy with ``overrides`` applied; raises ValueError naming an unknown or invalid key."""
        if not overrides:
            return self
        fields = {f.name: f for f in dataclasses.fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in fields:
                raise ValueError(
                    f"unknown limit {key!r}; known limits: {', '.join(sorted(fields))}"
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"limit {key!r} must be a positive number, got {value!r}")
            clean[key] = int(value) if fields[key].type == "int" else float(value)
        return dataclasses.replace(self, **clean)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able mapping (sent into the container)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        return cls().with_overrides(data)

    @property
    def phase1_wall_s(self) -> float:
        """Host-side wall-clock kill for phase 1 (the outer watchdog): the notebook, then the
        cross-check's probe (a call, in a fresh kernel when the notebook's is gone)."""
        return self.notebook_timeout_s + self.call_timeout_s + 2 * self.startup_grace_s

    @property
    def phase2_wall_s(self) -> float:
        """Host-side wall-clock kill for phase 2."""
        return self.tests_timeout_s + self.startup_grace_s

    def phase_memory_mb(self, phase: str) -> int:
        """The memory limit of a phase's container or cgroup: ``memory_mb`` for the notebook
        (phase 1, "execute"), plus the grader's own share in phase 2 ("test")."""
        return self.memory_mb + (GRADER_MEMORY_MB if phase == "test" else 0)

    @property
    def preimport_stack(self) -> bool:
        """Whether phase 1's kernel imports the scientific stack before the notebook runs: only
        where its ~200 MiB leave the notebook most of the memory limit."""
        return self.memory_mb >= PREIMPORT_MIN_MB

    @property
    def result_bytes(self) -> int:
        """Largest result stream the host accepts from a sandbox (notebook + logs + tests)."""
        return self.notebook_bytes * 2 + self.log_bytes * 4 + 4 * MiB

"""A per-run cgroup (v1 pids + memory) for the local backend, when the host lets us create one.

Nested under this process's own cgroups, so it can only tighten whatever limits the host already
imposes. Without it (no root, cgroup v2 without delegation) the local backend falls back to rlimits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_path(controller: str) -> Path | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                return ROOT / controller / path.lstrip("/")
    except OSError:
        return None
    return None


class RunCgroup:
    """pids.max and memory limits for one run; ``paths`` are joined by the confined launcher."""

    def __init__(self, name: str, pids: int, memory_bytes: int) -> None:
        self.controllers: dict[str, Path] = {}
        for controller, settings in (
            ("pids", {"pids.max": pids}),
            (
                "memory",
                {
                    "memory.limit_in_bytes": memory_bytes,
                    "memory.memsw.limit_in_bytes": memory_bytes,
                },
            ),
        ):
            parent = _own_path(controller)
            if parent is None or not parent.is_dir():
                continue
            path = parent / name
            try:
                path.mkdir()
                for key, value in settings.items():
                    if (path / key).exists():
                        (path / key).write_text(str(value))
                self.controllers[controller] = path
            except OSError:
                self._remove(path)

    @staticmethod
    def available() -> bool:
        """Whether this process may create a pids cgroup (root on cgroup v1)."""
        parent = _own_path("pids")
        return parent is not None and os.access(parent, os.W_OK)

    @property
    def paths(self) -> list[Path]:
        """The run's cgroup directories, one per controller in place."""
        return list(self.controllers.values())

    @property
    def contains_forks(self) -> bool:
        """True when the pids controller is in place (fork bombs are contained)."""
        return "pids" in self.controllers

    @property
    def contains_memory(self) -> bool:
        """True when the memory controller is in place."""
        return "memory" in self.controllers

    def oom_killed(self) -> bool:
        """Whether the kernel OOM-killed anything in this run's memory cgroup."""
        for path in self.paths:
            try:
                for line in (path / "memory.oom_control").read_text().splitlines():
                    if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                        return True
            except (OSError, ValueError):
                continue
        return False

    def kill_all(self) -> None:
        """SIGKILL every process still in the run's cgroups (bounded retries)."""
        for _ in range(200):
            pids = set()
            for path in self.paths:
                try:
                    pids |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
                except (OSError, ValueError):
                    continue
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def close(self) -> None:
        """Kill what is left and remove the cgroups."""
        self.kill_all()
        for path in self.paths:
            self._remove(path)

    @staticmethod
    def _remove(path: Path) -> None:
        for _ in range(50):
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.05)

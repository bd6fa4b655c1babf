"""Tell an out-of-memory kill from any other SIGKILL, using the container's memory cgroup counters.

Inside the container ``/sys/fs/cgroup`` shows the container's own cgroup (v1 or v2). The local
backend has no cgroup of its own, so it passes ``enabled=False`` and relies on MemoryError instead.
"""

from __future__ import annotations

from pathlib import Path

COUNTER_FILES = (
    Path("/sys/fs/cgroup/memory.events"),  # cgroup v2: "oom_kill N"
    Path("/sys/fs/cgroup/memory/memory.oom_control"),  # cgroup v1: "oom_kill N" (Linux >= 4.13)
)


class OomCounter:
    """Snapshot the cgroup's oom_kill count; ``fired()`` says whether it rose since."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.start = self._read()

    def _read(self) -> int:
        if not self.enabled:
            return 0
        for path in COUNTER_FILES:
            try:
                for line in path.read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
            except (OSError, ValueError):
                continue
        return 0

    def fired(self) -> bool:
        """True when the kernel OOM-killed a process in this sandbox since the snapshot."""
        return self._read() > self.start

"""Host-side reader of the runner's stdout: progress lines, then one size-capped JSON result.

Everything here is untrusted text: a line that is not what we expect is ignored, the total is
capped, and the result is validated by ``GradingResult.from_dict`` (JSON only, never pickle).
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.backends.base import ProgressCallback
from sandbox.results import GradingResult, ResultFormatError

STDERR_KEEP = 64 * 1024  # of a sandbox's stderr, kept for the logs of a failed run


class RunnerStream:
    """Feed it stdout bytes as they arrive; read ``result`` (or ``error``) at the end."""

    def __init__(self, max_bytes: int, on_progress: ProgressCallback | None = None) -> None:
        self.max_bytes = max_bytes
        self.on_progress = on_progress
        self.received = 0
        self.buffer = b""
        self.result: GradingResult | None = None
        self.error: str | None = None
        self.duplicate = False

    @property
    def overflowed(self) -> bool:
        """True once the sandbox sent more than the cap (the rest is discarded)."""
        return self.received > self.max_bytes

    def feed(self, data: bytes) -> None:
        """Consume a chunk of stdout."""
        self.received += len(data)
        if self.overflowed:
            self.buffer = b""
            self.error = f"the sandbox sent more than {self.max_bytes} bytes of results"
            return
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            self._line(line)

    def _line(self, line: bytes) -> None:
        try:
            message: Any = json.loads(line)
        except (ValueError, RecursionError):
            self.error = "the sandbox sent a line that is not JSON"
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "progress":
            cell, total = message.get("cell"), message.get("total")
            if self.on_progress and isinstance(cell, int) and isinstance(total, int):
                self.on_progress(cell, total)
        elif message.get("type") == "result":
            if (
                self.result is not None
            ):  # only the runner's supervisor writes results, and only once
                self.result, self.error = None, "the sandbox sent more than one result"
                self.duplicate = True
                return
            if self.duplicate:
                return
            try:
                self.result = GradingResult.from_dict(message.get("result"))
            except (ResultFormatError, TypeError, ValueError) as exc:
                self.error = f"the sandbox's result is malformed: {exc}"


def host_verdict(
    stream: RunnerStream,
    stderr: bytes,
    *,
    killed: bool,
    oom: bool,
    exit_detail: str,
    duration_s: float,
) -> GradingResult:
    """The runner's result, or the host's own verdict when the sandbox ended without one."""
    result = stream.result
    if result is not None and not stream.overflowed:
        if oom and result.status == "crashed":  # the kernel died of the cgroup's OOM killer
            return result.with_changes(
                status="memory_exceeded",
                execution_status="memory_exceeded",
                message=result.message + " (out of memory)",
            )
        return result
    logs = stderr.decode("utf-8", "replace")[-8000:]
    if killed:
        status, message = "timeout", "the sandbox did not finish in time and was killed"
    elif oom:
        status, message = "memory_exceeded", "the sandbox ran out of memory and was killed"
    else:
        detail = stream.error or exit_detail
        status, message = "crashed", f"the sandbox ended without a valid result ({detail})"
    return GradingResult.failed(status, message, logs=logs, duration_s=duration_s)

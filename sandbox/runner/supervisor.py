"""The runner's top process: fork the worker, reap orphans, kill the rest, emit the result.

In the container this is PID 1: the kernel does not deliver signals PID 1 has no handler for, so
candidate code cannot kill it, and ``kill(-1, SIGKILL)`` reaches every other process in the sandbox.
Only after everything else is dead does it write the result to the stdout it kept to itself, so no
daemon left behind by candidate code can rewrite or interleave with the verdict. In the local
backend it is a child subreaper instead, and kills its descendants.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import time
from collections.abc import Callable

from sandbox.results import GradingResult
from sandbox.runner.channel import write_all

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_LINE = 64 * 1024 * 1024


def prctl(option: int, value: int) -> bool:
    """Call prctl(2); False where it is unavailable (non-Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(option, value, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _descendants() -> list[int]:
    """Every process whose parent chain leads to this one (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    me, found = os.getpid(), []
    for pid in parents:
        chain, seen = pid, 0
        while chain in parents and seen < 4096:
            chain, seen = parents[chain], seen + 1
            if chain == me:
                found.append(pid)
                break
    return found


def kill_everything_else() -> None:
    """SIGKILL every other sandbox process and reap them (bounded: a few seconds at most)."""
    for _ in range(500):
        if os.getpid() == 1:
            try:
                os.kill(-1, signal.SIGKILL)  # everything we may signal: the whole sandbox
            except ProcessLookupError:
                break
        else:
            victims = _descendants()
            if not victims:
                break
            for pid in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        _reap_all()
        time.sleep(0.01)
    _reap_all()


def _reap_all(block: bool = False) -> list[tuple[int, int]]:
    """Collect exited children (orphans land here); returns (pid, status) pairs."""
    reaped: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped.append((pid, status))


def supervise(worker: Callable[[int], None], out_fd: int, deadline_s: float) -> None:
    """Run ``worker(message_fd)`` in a child; forward progress, then emit exactly one result."""
    prctl(PR_SET_DUMPABLE, 0)
    if os.getpid() != 1:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    child = os.fork()
    if child == 0:  # the worker
        os.close(read_fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        code = 0
        try:
            worker(write_fd)
        except BaseException:
            code = 70
        os._exit(code)
    os.close(write_fd)
    result_line, worker_status = _pump(read_fd, out_fd, child, started + deadline_s)
    kill_everything_else()
    write_all(out_fd, _final_line(result_line, worker_status, time.monotonic() - started))


def _pump(
    read_fd: int, out_fd: int, child: int, deadline: float
) -> tuple[bytes | None, int | None]:
    """Forward progress lines until the worker exits or the deadline passes."""
    buffer, result_line, status = b"", None, None
    while True:
        for pid, code in _reap_all():
            if pid == child:
                status = code
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return result_line, -1
        ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.2))
        if not ready:
            if status is not None:
                return result_line, status
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            return result_line, status
        buffer += chunk
        if len(buffer) > MAX_LINE:  # a runaway worker: keep nothing partial
            buffer = b""
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.startswith(b'{"type":"result"'):
                result_line = line
            elif line.startswith(b'{"type":"progress"'):
                write_all(out_fd, line + b"\n")


def _final_line(result_line: bytes | None, status: int | None, elapsed: float) -> bytes:
    if result_line is not None:
        return result_line + b"\n"
    if status == -1:
        result = GradingResult.failed(
            "timeout", "the sandbox phase ran out of time and was stopped", duration_s=elapsed
        )
    else:
        result = GradingResult.failed(
            "crashed",
            f"the grading runner stopped without a result (wait status {status}); "
            "candidate code may have killed it",
            duration_s=elapsed,
        )
    return json.dumps({"type": "result", "result": result.to_dict()}).encode() + b"\n"

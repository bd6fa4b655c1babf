"""Line-framed JSON messages from the runner to the host, and the length-framed input bundle.

The host writes ``8-byte big-endian length + tar bytes`` to the runner's stdin. The runner answers
on its stdout with one JSON object per line: ``{"type": "progress", ...}`` while it runs, then
exactly one ``{"type": "result", "result": {...}}``. Candidate code never holds either stream.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

LENGTH = struct.Struct(">Q")


def read_exact(fd: int, size: int) -> bytes:
    """Read exactly ``size`` bytes from ``fd``; raises EOFError when the stream ends first."""
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError(f"input ended {remaining} bytes early")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_bundle(fd: int, max_bytes: int) -> bytes:
    """Read one length-framed bundle (the job's tar) from ``fd``."""
    (size,) = LENGTH.unpack(read_exact(fd, LENGTH.size))
    if size > max_bytes:
        raise ValueError(f"input bundle of {size} bytes is over the {max_bytes}-byte cap")
    return read_exact(fd, size)


def frame_bundle(data: bytes) -> bytes:
    """The host side of :func:`read_bundle`."""
    return LENGTH.pack(len(data)) + data


def write_all(fd: int, data: bytes) -> None:
    """write(2) may be partial on a pipe; loop until every byte is out."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_message(fd: int, message: dict[str, Any]) -> None:
    """Write one JSON line."""
    write_all(fd, (json.dumps(message, separators=(",", ":")) + "\n").encode())


def progress(fd: int, cell: int, total: int) -> None:
    """Report that phase 1 started code cell ``cell`` (1-based) of ``total``."""
    write_message(fd, {"type": "progress", "cell": cell, "total": total})

"""Length-prefixed messages between the test process and the candidate process, with deadlines."""

from __future__ import annotations

import os
import select
import struct
import time

from sandbox.runner.channel import write_all

HEADER = struct.Struct(">Q")


class FrameTimeout(Exception):
    """The peer did not answer before the deadline."""


class FrameClosed(Exception):
    """The peer closed its end (it exited or was killed)."""


def send(fd: int, payload: bytes) -> None:
    """Write one framed message (blocking)."""
    write_all(fd, HEADER.pack(len(payload)) + payload)


def _read(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise FrameTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise FrameClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(fd: int, max_bytes: int, deadline: float | None = None) -> bytes:
    """Read one framed message no larger than ``max_bytes``; raises ValueError when it is larger."""
    (size,) = HEADER.unpack(_read(fd, HEADER.size, deadline))
    if size > max_bytes:
        raise ValueError(f"message of {size} bytes is over the {max_bytes}-byte cap")
    return _read(fd, size, deadline)

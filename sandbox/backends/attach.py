"""The hijacked ``docker attach`` connection: send the bundle on stdin, demultiplex the output.

Non-TTY attach streams are framed: 8-byte header (stream 1 = stdout, 2 = stderr; big-endian size)
then the payload. stdout goes to a RunnerStream (capped), stderr is kept up to 64 KiB.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from typing import Any

from sandbox.backends.stream import STDERR_KEEP, RunnerStream


def exchange(
    sock: Any, payload: bytes, stream: RunnerStream, deadline: float
) -> tuple[bytes, bool]:
    """Send the bundle, demultiplex stdout/stderr until EOF or the deadline; (stderr, killed)."""
    raw: socket.socket = getattr(sock, "_sock", sock)
    raw.settimeout(max(1.0, deadline - time.monotonic()))
    # Length-framed, so no half-close (dockerd would drop stdout too). An OSError means the
    # container exited early; its output says why.
    with contextlib.suppress(OSError):
        raw.sendall(payload)
    raw.setblocking(False)
    stderr, pending = b"", b""
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return stderr, True
            ready, _, _ = select.select([raw], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = raw.recv(1 << 20)
            if not chunk:
                return stderr, False
            pending += chunk
            while len(pending) >= 8:
                kind, size = pending[0], int.from_bytes(pending[4:8], "big")
                if len(pending) < 8 + size:
                    break
                payload, pending = pending[8 : 8 + size], pending[8 + size :]
                if kind == 1:
                    stream.feed(payload)
                    if stream.overflowed:  # nothing more will be believed: stop reading
                        return stderr, False
                elif len(stderr) < STDERR_KEEP:
                    stderr += payload
    finally:
        close_attached(sock)


def close_attached(sock: Any) -> None:
    """Close the hijacked attach connection: the HTTP response, its file object, then the socket."""
    raw: socket.socket = getattr(sock, "_sock", sock)
    response = getattr(sock, "_response", None)
    for closer in (getattr(response, "close", None), getattr(sock, "close", None), raw.close):
        if closer is not None:
            with contextlib.suppress(OSError, ValueError):
                closer()

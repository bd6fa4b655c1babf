"""The ``submission`` fixture's object: the test process's handle on the candidate process.

Hidden tests import the exceptions from here:
``from sandbox.runner.submission import SubmissionError``.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

from sandbox.runner import framing

RUNTIME_ROOT = str(Path(__file__).resolve().parents[2])  # holds the `sandbox` package


class SubmissionError(Exception):
    """The candidate's code raised (the message names the exception) or answered with non-JSON."""


class SubmissionTimeout(SubmissionError):
    """The candidate's code did not finish in time; its process was killed."""


class SubmissionCrashed(SubmissionError):
    """The candidate process died."""


class Submission:
    """Runs code against the candidate's definitions in a separate, untrusted process."""

    def __init__(
        self,
        notebook: bytes,
        cwd: Path,
        *,
        call_timeout_s: float,
        answer_bytes: int,
        remaining_s: Callable[[], float],
    ) -> None:
        self.notebook = nbformat.reads(notebook.decode("utf-8"), as_version=4)
        self._cells = [c.source for c in self.notebook.cells if c.cell_type == "code"]
        self._cwd, self._call_timeout_s, self._answer_bytes = cwd, call_timeout_s, answer_bytes
        self._remaining_s = remaining_s
        self._process: subprocess.Popen[bytes] | None = None
        self._fds: tuple[int, int] = (-1, -1)
        self._names: list[str] = []
        self.notes: list[str] = []  # definitions that were skipped or failed to load

    def _deadline(self, timeout: float | None) -> float:
        budget = self._call_timeout_s if timeout is None else timeout
        return time.monotonic() + max(min(budget, self._remaining_s()), 0.0)

    def _start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {
            k: v
            for k, v in os.environ.items()
            if k
            in (
                "PATH",
                "HOME",
                "LANG",
                "MPLBACKEND",
                "MPLCONFIGDIR",
                "OPENBLAS_NUM_THREADS",
                "OMP_NUM_THREADS",
            )
        }
        env["PYTHONPATH"] = RUNTIME_ROOT
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-s",
                "-m",
                "sandbox.runner.candidate",
                str(to_child_r),
                str(from_child_w),
            ],
            cwd=self._cwd,
            env=env,
            pass_fds=(to_child_r, from_child_w),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._fds = (to_child_w, from_child_r)
        framing.send(to_child_w, pickle.dumps(self._cells))
        reply = self._receive(self._deadline(None))
        self._names, self.notes = list(reply.get("names") or []), list(reply.get("notes") or [])

    def _receive(self, deadline: float) -> dict[str, Any]:
        try:
            data = framing.recv(self._fds[1], self._answer_bytes, deadline)
        except framing.FrameTimeout:
            self.close()
            raise SubmissionTimeout(
                "the candidate's code did not finish in time and was stopped"
            ) from None
        except (framing.FrameClosed, OSError):
            code = self._process.wait(timeout=5) if self._process else None
            self.close()
            raise SubmissionCrashed(f"the candidate's process died (exit status {code})") from None
        except ValueError as exc:
            self.close()
            raise SubmissionError(f"the candidate's answer is too large: {exc}") from None
        try:
            reply = json.loads(data)
        except (ValueError, RecursionError):
            raise SubmissionError("the candidate's answer is not JSON") from None
        if not isinstance(reply, dict):
            raise SubmissionError("the candidate's answer is not a JSON object")
        return reply

    def _ensure(self) -> None:
        if self._process is None:
            self._start()

    def run(self, code: str, timeout: float | None = None, **inputs: Any) -> Any:
        """Run ``code`` with ``inputs`` in the candidate's namespace; return ``result`` (JSON)."""
        self._ensure()
        deadline = self._deadline(timeout)
        try:
            framing.send(self._fds[0], pickle.dumps({"code": code, "inputs": inputs}))
        except OSError:
            self.close()
            raise SubmissionCrashed("the candidate's process died") from None
        reply = self._receive(deadline)
        if not reply.get("ok"):
            raise SubmissionError(str(reply.get("error", "unknown error"))[:4000])
        return reply.get("result")

    def names(self) -> list[str]:
        """Top-level names the candidate defined (functions, classes, imports, constants)."""
        self._ensure()
        return list(self._names)

    def defines(self, name: str) -> bool:
        """Whether the candidate defined ``name``."""
        return name in self.names()

    def close(self) -> None:
        """Kill the candidate process and everything it started in its session."""
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            self._process = None
        for fd in self._fds:
            if fd >= 0:
                os.close(fd)
        self._fds = (-1, -1)

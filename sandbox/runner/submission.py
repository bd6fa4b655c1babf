"""The ``submission`` fixture's object: the test process's handle on the candidate process.

Hidden tests import the exceptions from here:
``from sandbox.runner.submission import SubmissionError``.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat

from sandbox.runner import framing
from sandbox.runner.definitions import defined_names, extract_definitions
from sandbox.runner.zygote import Spawned, ZygoteClient


class SubmissionError(Exception):
    """The candidate's code raised (the message names the exception) or answered with non-JSON."""


class SubmissionTimeout(SubmissionError):
    """The candidate's code did not finish in time; its process was killed."""


class SubmissionCrashed(SubmissionError):
    """The candidate process died."""


class CandidateProcess:
    """One candidate process (forked by the zygote): the candidate's definitions plus overrides."""

    def __init__(
        self,
        spawn: Callable[[], Spawned],
        kill: Callable[[int], int | None],
        cells: list[str],
        overrides: dict[str, str] | None,
        *,
        call_timeout_s: float,
        answer_bytes: int,
        remaining_s: Callable[[], float],
    ) -> None:
        self._spawn, self._kill = spawn, kill
        self._cells, self._overrides = cells, dict(overrides or {})
        self._call_timeout_s, self._answer_bytes = call_timeout_s, answer_bytes
        self._remaining_s = remaining_s
        self._child: Spawned | None = None
        self.notes: list[str] = []  # definitions that were skipped or failed to load

    def _deadline(self, timeout: float | None) -> float:
        budget = self._call_timeout_s if timeout is None else timeout
        return time.monotonic() + max(min(budget, self._remaining_s()), 0.0)

    def _start(self) -> None:
        self._child = self._spawn()
        self._send({"cells": self._cells, "overrides": self._overrides})
        reply = self._receive(self._deadline(None))
        if not reply.get("ok"):
            self.close()
            raise SubmissionError(str(reply.get("error", "the definitions did not load"))[:4000])
        notes = reply.get("notes")
        self.notes = [str(n)[:500] for n in notes[:100]] if isinstance(notes, list) else []

    def _send(self, message: dict[str, Any]) -> None:
        assert self._child is not None
        try:
            framing.send(self._child.to_child, pickle.dumps(message))
        except OSError:
            self.close()
            raise SubmissionCrashed("the candidate's process died") from None

    def _receive(self, deadline: float) -> dict[str, Any]:
        assert self._child is not None
        try:
            data = framing.recv(self._child.from_child, self._answer_bytes, deadline)
        except framing.FrameTimeout:
            self.close()
            raise SubmissionTimeout(
                "the candidate's code did not finish in time and was stopped"
            ) from None
        except (framing.FrameClosed, OSError):
            code = self.close()
            raise SubmissionCrashed(f"the candidate's process died (wait status {code})") from None
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

    def run(self, code: str, timeout: float | None = None, **inputs: Any) -> Any:
        """Run ``code`` with ``inputs`` in the candidate's namespace; return ``result`` (JSON)."""
        if self._child is None:
            self._start()
        deadline = self._deadline(timeout)
        self._send({"code": code, "inputs": inputs})
        reply = self._receive(deadline)
        if not reply.get("ok"):
            raise SubmissionError(str(reply.get("error", "unknown error"))[:4000])
        return reply.get("result")

    def close(self) -> int | None:
        """Kill the process and everything it started; its wait status."""
        status = None
        if self._child is not None:
            child, self._child = self._child, None
            status = self._kill(child.pid)
            for fd in (child.to_child, child.from_child):
                with contextlib.suppress(OSError):
                    os.close(fd)
        return status

    def __enter__(self) -> CandidateProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Submission:
    """The candidate's code, run in separate untrusted processes forked by the zygote."""

    def __init__(
        self,
        notebook: bytes,
        run_dir: Path,
        zygote: ZygoteClient,
        *,
        call_timeout_s: float,
        answer_bytes: int,
        remaining_s: Callable[[], float],
    ) -> None:
        self.notebook = nbformat.reads(notebook.decode("utf-8"), as_version=4)
        self._cells = [c.source for c in self.notebook.cells if c.cell_type == "code"]
        self._names = defined_names(extract_definitions(self._cells))
        self._run_dir, self._zygote = run_dir, zygote
        self._settings = {
            "call_timeout_s": call_timeout_s,
            "answer_bytes": answer_bytes,
            "remaining_s": remaining_s,
        }
        self._module_process: CandidateProcess | None = None
        self._open: list[CandidateProcess] = []

    def fresh(self, overrides: dict[str, str] | None = None) -> CandidateProcess:
        """A new candidate process (a context manager); ``overrides`` replace definitions."""
        process = CandidateProcess(
            lambda: self._zygote.spawn(self._run_dir),
            self._zygote.kill,
            self._cells,
            overrides,
            **self._settings,  # type: ignore[arg-type]
        )
        self._open.append(process)
        return process

    @property
    def notes(self) -> list[str]:
        """Definitions the module's process skipped (cells that do not parse, errors at load)."""
        return self._module().notes

    def _module(self) -> CandidateProcess:
        if self._module_process is None:
            self._module_process = self.fresh()
        return self._module_process

    def run(self, code: str, timeout: float | None = None, **inputs: Any) -> Any:
        """``code`` in this module's process (its namespace persists between calls)."""
        return self._module().run(code, timeout, **inputs)

    def names(self) -> list[str]:
        """Top-level names the candidate defines, read from the notebook's cells (not reported)."""
        return list(self._names)

    def defines(self, name: str) -> bool:
        """Whether the candidate defines ``name``."""
        return name in self._names

    def close(self) -> None:
        """Kill every process this handle started."""
        for process in self._open:
            process.close()
        self._open.clear()
        self._module_process = None

"""Grading results and their JSON form, shared by the host and the in-container runner.

Results cross the sandbox boundary as size-capped JSON only (never pickle). Parsing treats the text
as hostile: every field is type-checked, unknown statuses are refused, strings are capped.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

STATUSES = ("completed", "timeout", "memory_exceeded", "crashed", "rejected", "error")
OUTCOMES = ("passed", "failed", "error", "skipped")
MAX_MESSAGE_CHARS = 4000


class ResultFormatError(ValueError):
    """The text from a sandbox is not a well-formed result."""


@dataclass(frozen=True)
class TestOutcome:
    """One hidden test: its node id, test group, outcome and a message for humans."""

    __test__ = False  # not a pytest test class

    id: str
    group: str
    outcome: str
    message: str = ""


@dataclass(frozen=True)
class RedFlag:
    """Evidence for the interviewer a hidden test recorded (exercises/README.md, ``red_flag``).

    ``kind`` is e.g. ``overclaim`` (a reported number the grader's measurement contradicts),
    ``input_mutation``, ``grader_detection`` or ``forged_reply``; never shown to the candidate.
    """

    kind: str
    group: str
    test: str
    message: str


MAX_FLAGS = 50


@dataclass(frozen=True)
class Timings:
    """Where the time went, in seconds (for benchmarks and the run page)."""

    container_start_s: float = 0.0
    kernel_start_s: float = 0.0
    cells_s: float = 0.0
    tests_s: float = 0.0
    crosscheck_s: float = 0.0  # the cross-check of phase 1, both phases (part of the above)


@dataclass(frozen=True)
class GradingResult:
    """The verdict of one grading run (or of one phase, before the host merges them).

    ``execution_status``/``execution_error`` are phase 1's outcome (``completed``, ``error``,
    ``timeout``, ``memory_exceeded``, ``crashed``); ``status`` is the run's overall verdict.
    ``status == "error"`` is either the notebook raising (``execution_status == "error"``) or a
    failure of the grading machinery; ``retryable`` is True only for the latter when trying again
    may help (engine down, image missing, runner bug), never for anything candidate code did.
    """

    status: str
    message: str
    tests: tuple[TestOutcome, ...] = ()
    notebook: bytes | None = None
    logs: str = ""
    duration_s: float = 0.0
    cells_total: int = 0
    cells_executed: int = 0
    execution_status: str | None = None
    execution_error: str | None = None
    timings: Timings = field(default_factory=Timings)
    retryable: bool = False
    flags: tuple[RedFlag, ...] = ()
    # Phase 1 only: the cross-check's record {"seed", "answers"} (sandbox/runner/crosscheck.py),
    # handed to phase 2 and never stored or shown.
    crosscheck: dict[str, Any] | None = None
    # A retryable result that candidate code may have caused (e.g. it interrupted the hidden test
    # session): retried, and once the retries are used up a verdict, not an error (``settled``).
    interference: bool = False
    # A retryable result because the sandbox engine did not answer at all (restarting, down): the
    # run was never tried, so the attempt is not counted and it waits for the engine instead.
    engine_unavailable: bool = False

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ResultFormatError(f"unknown status {self.status!r}")
        for test in self.tests:
            if test.outcome not in OUTCOMES:
                raise ResultFormatError(f"unknown test outcome {test.outcome!r}")

    @classmethod
    def failed(
        cls,
        status: str,
        message: str,
        *,
        logs: str = "",
        duration_s: float = 0.0,
        retryable: bool = False,
        engine_unavailable: bool = False,
    ) -> GradingResult:
        """A verdict reached before any result existed (crash, rejection, infrastructure error)."""
        return cls(
            status=status,
            message=message,
            logs=logs,
            duration_s=duration_s,
            retryable=retryable,
            engine_unavailable=engine_unavailable,
        )

    def settled(self, attempts: int) -> GradingResult:
        """The verdict of a run whose every retry was stopped by what candidate code did: what
        could not be graded scores nothing, and the interviewer sees why (a red flag)."""
        message = (
            f"grading was stopped {attempts} times while the candidate's code ran "
            f"({self.message}); what could not be graded scores 0"
        )
        flag = RedFlag("grading_interrupted", "", "", message)
        return self.with_changes(
            status="crashed",
            message=message,
            retryable=False,
            interference=False,
            flags=(*self.flags, flag)[:MAX_FLAGS],
        )

    def with_changes(self, **changes: Any) -> GradingResult:
        """A copy with some fields replaced."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able mapping; the notebook is carried as UTF-8 text."""
        data = asdict(self)
        data["notebook"] = (
            self.notebook.decode("utf-8", "replace") if self.notebook is not None else None
        )
        data["tests"] = [asdict(t) for t in self.tests]
        data["flags"] = [asdict(f) for f in self.flags]
        return data

    def to_json(self) -> str:
        """One line of JSON (no newlines inside, so it can be framed by lines)."""
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> GradingResult:
        """Validate an untrusted mapping into a result; raises ResultFormatError."""
        if not isinstance(data, dict):
            raise ResultFormatError("result is not a JSON object")
        notebook = _opt(data, "notebook", str)
        timings = data.get("timings") or {}
        if not isinstance(timings, dict):
            raise ResultFormatError("timings is not an object")
        tests = data.get("tests") or []
        if not isinstance(tests, list):
            raise ResultFormatError("tests is not a list")
        flags = data.get("flags") or []
        if not isinstance(flags, list):
            raise ResultFormatError("flags is not a list")
        return cls(
            status=_req(data, "status", str),
            message=_req(data, "message", str)[:MAX_MESSAGE_CHARS],
            tests=tuple(_test(t) for t in tests),
            notebook=notebook.encode("utf-8") if notebook is not None else None,
            logs=_opt(data, "logs", str) or "",
            duration_s=float(_opt(data, "duration_s", (int, float)) or 0.0),
            cells_total=_opt(data, "cells_total", int) or 0,
            cells_executed=_opt(data, "cells_executed", int) or 0,
            execution_status=_opt(data, "execution_status", str),
            execution_error=_cap(_opt(data, "execution_error", str)),
            retryable=data.get("retryable") is True,
            flags=tuple(_flag(f) for f in flags[:MAX_FLAGS]),
            crosscheck=_opt(data, "crosscheck", dict),
            interference=data.get("interference") is True,
            timings=Timings(
                **{
                    k: float(_opt(timings, k, (int, float)) or 0.0)
                    for k in Timings.__dataclass_fields__
                }
            ),
        )

    @classmethod
    def from_json(cls, text: str | bytes, max_bytes: int) -> GradingResult:
        """Parse result JSON no larger than ``max_bytes``; raises ResultFormatError."""
        if len(text) > max_bytes:
            raise ResultFormatError(f"result is {len(text)} bytes, over the {max_bytes}-byte cap")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ResultFormatError(f"result is not valid JSON: {exc}") from None
        return cls.from_dict(data)


def _cap(text: str | None) -> str | None:
    return text[:MAX_MESSAGE_CHARS] if text is not None else None


def _req(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ResultFormatError(f"field {key!r} is missing or has the wrong type")
    return value


def _opt(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    return None if data.get(key) is None else _req(data, key, kind)


def _test(item: Any) -> TestOutcome:
    if not isinstance(item, dict):
        raise ResultFormatError("a test entry is not an object")
    return TestOutcome(
        id=_req(item, "id", str)[:500],
        group=_req(item, "group", str)[:200],
        outcome=_req(item, "outcome", str),
        message=_req(item, "message", str)[:MAX_MESSAGE_CHARS],
    )


def _flag(item: Any) -> RedFlag:
    if not isinstance(item, dict):
        raise ResultFormatError("a flag entry is not an object")
    return RedFlag(
        kind=_req(item, "kind", str)[:50],
        group=_req(item, "group", str)[:200],
        test=_req(item, "test", str)[:500],
        message=_req(item, "message", str)[:MAX_MESSAGE_CHARS],
    )

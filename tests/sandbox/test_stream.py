"""The host's reader of runner output: progress, one result, caps."""

from __future__ import annotations

import json

from sandbox.backends.stream import RunnerStream
from sandbox.results import GradingResult


def _line(message: dict) -> bytes:
    return json.dumps(message).encode() + b"\n"


RESULT = {"type": "result", "result": GradingResult.failed("completed", "ok").to_dict()}


def test_progress_then_result_across_chunk_boundaries():
    seen = []
    stream = RunnerStream(1 << 20, lambda cell, total: seen.append((cell, total)))
    data = _line({"type": "progress", "cell": 1, "total": 2}) + _line(RESULT)
    for index in range(len(data)):
        stream.feed(data[index : index + 1])
    assert seen == [(1, 2)] and stream.result is not None and stream.result.message == "ok"


def test_a_second_result_voids_both():
    stream = RunnerStream(1 << 20)
    stream.feed(_line(RESULT) + _line(RESULT))
    assert stream.result is None and "more than one result" in (stream.error or "")


def test_overflow_discards_everything():
    stream = RunnerStream(100)
    stream.feed(b"x" * 50)
    stream.feed(b"y" * 51 + b"\n" + _line(RESULT))
    assert stream.overflowed and stream.result is None


def test_bad_progress_is_ignored():
    seen = []
    stream = RunnerStream(1 << 20, lambda cell, total: seen.append(cell))
    stream.feed(_line({"type": "progress", "cell": "1; rm -rf /", "total": 2}) + b"[1]\n")
    assert seen == [] and stream.result is None

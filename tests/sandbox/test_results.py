"""GradingResult: JSON round trip, and hostile JSON refused."""

from __future__ import annotations

import json

import pytest

from sandbox.results import GradingResult, ResultFormatError, TestOutcome, Timings


def _result() -> GradingResult:
    return GradingResult(
        status="completed",
        message="ok",
        notebook=b'{"cells": []}',
        logs="log",
        duration_s=1.5,
        tests=(TestOutcome("t::a", "basics", "passed"), TestOutcome("t::b", "acc", "failed", "no")),
        cells_total=3,
        cells_executed=3,
        execution_status="completed",
        timings=Timings(container_start_s=0.1, kernel_start_s=0.5, cells_s=0.7, tests_s=0.2),
    )


def test_round_trip_through_json():
    result = _result()
    assert GradingResult.from_json(result.to_json(), max_bytes=1 << 20) == result
    assert "\n" not in result.to_json()


def test_failed_constructor_is_a_verdict():
    result = GradingResult.failed("crashed", "the runner died", logs="trace")
    assert (result.status, result.tests, result.notebook) == ("crashed", (), None)
    assert result.retryable is False


def test_only_infrastructure_failures_are_retryable():
    infra = GradingResult.failed("error", "engine down", retryable=True)
    assert GradingResult.from_json(infra.to_json(), max_bytes=1 << 20).retryable is True
    forged = infra.to_dict() | {"retryable": "yes"}
    assert GradingResult.from_dict(forged).retryable is False


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x" * 100, "over the 50-byte cap"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"status": "pwned", "message": ""}', "unknown status"),
        ('{"status": "completed", "message": 3}', "'message'"),
        (
            '{"status": "completed", "message": "", "tests": [{"id": "a", "group": "g", '
            '"outcome": "hacked", "message": ""}]}',
            "unknown test outcome",
        ),
        ('{"status": "completed", "message": "", "timings": [1]}', "timings"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ],
)
def test_hostile_result_text_is_refused(text, error):
    with pytest.raises(ResultFormatError, match=error):
        GradingResult.from_json(text, max_bytes=50 if error.startswith("over") else 10_000_000)


def test_long_messages_are_capped():
    data = _result().to_dict() | {"message": "m" * 100_000}
    assert len(GradingResult.from_dict(json.loads(json.dumps(data))).message) == 4000


def test_red_flags_round_trip_and_are_checked():
    from sandbox.results import RedFlag

    flag = RedFlag(
        "overclaim", "summary", "tests/test_summary.py::t", "0.96 reported, 0.75 measured"
    )
    result = GradingResult(status="completed", message="ok", flags=(flag,))
    assert GradingResult.from_json(result.to_json(), 1 << 20).flags == (flag,)
    data = result.to_dict()
    data["flags"] = [{"kind": 1}]
    with pytest.raises(ResultFormatError):
        GradingResult.from_dict(data)

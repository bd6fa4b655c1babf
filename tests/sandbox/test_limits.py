"""Limits: SANDBOX.md's reference defaults and validated overrides."""

from __future__ import annotations

import pytest

from sandbox.limits import Limits


def test_defaults_follow_the_reference_values():
    limits = Limits()
    assert limits.memory_mb == 2048 and limits.pids == 256
    assert limits.cell_timeout_s > 0 and limits.notebook_timeout_s >= limits.cell_timeout_s
    assert limits.phase1_wall_s > limits.notebook_timeout_s


def test_overrides_keep_types_and_round_trip():
    limits = Limits().with_overrides({"memory_mb": 512.0, "cell_timeout_s": 5})
    assert limits.memory_mb == 512 and isinstance(limits.memory_mb, int)
    assert limits.cell_timeout_s == 5.0 and isinstance(limits.cell_timeout_s, float)
    assert Limits.from_dict(limits.to_dict()) == limits


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"memroy_mb": 1}, "unknown limit 'memroy_mb'"),
        ({"pids": 0}, "positive"),
        ({"pids": True}, "positive"),
        ({"pids": "many"}, "positive"),
    ],
)
def test_bad_overrides_name_the_key(overrides, error):
    with pytest.raises(ValueError, match=error):
        Limits().with_overrides(overrides)

"""The cross-check of phase 1 on docker (issue 12 §5): code that answers correctly only where it
recognises phase 2 loses the probed groups and leaves a grader_detection red flag; honest code,
deterministic or not, is untouched. The tiny exercise, with a probe module of its own."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from tests.sandbox.helpers import FAST, TINY, grade_with_hidden, notebook, passing_reference

pytestmark = [pytest.mark.docker, pytest.mark.slow]

PROBES = """
STARTER_FILES = ["data/train.csv"]
PROBES = {
    "add": {"groups": ["basics"], "code": "result = [add(a, b) for a, b in PAIRS]"},
    "predict": {"groups": ["accuracy"], "code": "result = [predict(x) for x in XS]"},
}


def inputs(starter, seed):
    import io
    import random

    import pandas as pd

    rng = random.Random(seed)
    xs = pd.read_csv(io.BytesIO(starter["data/train.csv"]))["x"].tolist()
    return {
        "add": {"PAIRS": [(rng.randint(-99, 99), rng.randint(-99, 99)) for _ in range(6)]},
        "predict": {"XS": [x + rng.random() for x in xs]},
    }
"""
# Recognises phase 2 by a marker the sandbox cannot remove (the runner's command line, which a
# candidate process inherits from the zygote) and is right only there.
DETECTS = """
def _graded():
    with open("/proc/self/cmdline", "rb") as handle:
        return b"sandbox" in handle.read()


def add(a, b):
    return a + b if _graded() else a - b
"""
NOISY = """
import random as _noise


def predict(x):
    return SLOPE * x * (1 + _noise.SystemRandom().random() * 1e-5)
"""
LIMITS = dataclasses.replace(FAST, startup_grace_s=90, cell_timeout_s=30, call_timeout_s=30)


@pytest.fixture(scope="module")
def exercise(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crosscheck") / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "crosscheck.py").write_text(PROBES)
    return folder


def _with_cell(source: str) -> bytes:
    import nbformat

    nb = nbformat.reads(passing_reference().decode(), as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    return notebook(*cells, source)


def test_an_honest_notebook_passes_the_cross_check(docker_backend, exercise):
    """Honest nondeterministic code (noise far above the comparison's 1e-7 relative floor, so only
    phase 2's own spread can excuse it) keeps every point the tests give it: no red flag, and the
    exact-match holdout test fails by its own assertion, not by the cross-check."""
    result = grade_with_hidden(docker_backend, exercise, _with_cell(NOISY), LIMITS)
    assert result.status == "completed", result.message
    assert not result.flags, result.flags
    outcomes = {t.id.split("::")[-1]: t for t in result.tests}
    assert outcomes["test_scale_uses_starter_data"].outcome == "passed", result.tests
    holdout = outcomes["test_predicts_holdout"]
    assert holdout.outcome == "failed" and "holdout rows predicted correctly" in holdout.message


def test_code_that_is_right_only_when_graded_loses_the_probed_group(docker_backend, exercise):
    result = grade_with_hidden(docker_backend, exercise, _with_cell(DETECTS), LIMITS)
    assert result.status == "completed", result.message
    flags = [f for f in result.flags if f.kind == "grader_detection"]
    assert [f.test for f in flags] == ["crosscheck::add"], result.flags
    outcomes = {t.id.split("::")[-1]: t.outcome for t in result.tests if t.group == "basics"}
    assert set(outcomes.values()) == {"failed"}, outcomes
    assert all(t.outcome == "passed" for t in result.tests if t.group == "accuracy"), result.tests

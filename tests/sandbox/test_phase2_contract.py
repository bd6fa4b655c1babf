"""Phase 2 honours exercises/README.md: the fixtures, the candidate process, outcomes per group.

Each case is a hidden test written as an exercise author would, asserting one promise of the
contract from inside the sandbox; the outer test checks that every one of them passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.helpers import grade_with_hidden, notebook, tiny_with_tests

pytestmark = pytest.mark.slow

CONTRACT_TESTS = """
from pathlib import Path

import pytest

from sandbox.runner.submission import SubmissionCrashed, SubmissionError, SubmissionTimeout


@pytest.mark.group("basics")
def test_hidden_files_are_gone_before_tests_run():
    assert not Path(__file__).exists()


@pytest.mark.group("basics")
def test_definitions_only(submission):
    assert submission.defines("add") and submission.defines("SEED")
    assert not submission.defines("trained"), "top-level statements must not run"
    assert submission.run("result = SEED") == 42


@pytest.mark.group("basics")
def test_json_conversions(submission):
    assert submission.run("import numpy as np\\nresult = np.arange(3)") == [0, 1, 2]
    assert submission.run("import numpy as np\\nresult = np.float64(0.5)") == 0.5
    frame = submission.run("import pandas as pd\\nresult = pd.DataFrame({'a': [1, 2]})")
    assert frame == {"a": [1, 2]}


@pytest.mark.group("basics")
def test_inputs_and_state_persist_within_a_module(submission):
    import pandas as pd

    submission.run("total = sum(frame['x'])", frame=pd.DataFrame({"x": [1, 2, 3]}))
    assert submission.run("result = total") == 6


@pytest.mark.group("basics")
def test_errors_timeouts_and_crashes(submission):
    with pytest.raises(SubmissionError, match="NameError"):
        submission.run("result = undefined_name")
    with pytest.raises(SubmissionError, match="not JSON-serialisable"):
        submission.run("result = object()")
    with pytest.raises(SubmissionTimeout):
        submission.run("result = spin()", timeout=1)
    assert submission.run("result = add(1, 2)") == 3, "a fresh candidate process after a timeout"
    with pytest.raises(SubmissionCrashed):
        submission.run("result = die()")
    assert submission.run("result = add(2, 2)") == 4


@pytest.mark.group("basics")
def test_a_memory_hungry_candidate_dies_alone(submission):
    with pytest.raises(SubmissionError):
        submission.run("result = hog()", timeout=30)
    assert submission.run("result = add(1, 1)") == 2


@pytest.mark.group("basics")
def test_execution_and_notebook(execution, submission, hidden_data, starter_dir):
    assert execution.status == "error" and execution.error.startswith("cell 4: ZeroDivisionError")
    assert execution.cells_executed == 3
    assert any(c.cell_type == "code" for c in submission.notebook.cells)
    assert hidden_data.csv("holdout.csv")["y"].tolist() == [20, -8, 14]
    with pytest.raises(KeyError, match="holdout.csv"):
        hidden_data.path_bytes("missing.csv")
    assert (starter_dir / "data" / "train.csv").is_file()


def test_without_a_group():
    pass
"""

SUBMISSION = (
    "SEED = 42\ndef add(a, b):\n    return a + b",
    "def spin():\n    while True:\n        pass\n\ndef die():\n    import os\n    os._exit(1)",
    "def hog():\n    chunks = []\n    while True:\n        chunks.append(b'\\x01' * (16 << 20))",
    "trained = 1 / 0",
    "print('never reached')",
)


def _exercise(tmp_path: Path, extra_test: str, name: str = "test_contract.py") -> Path:
    return tiny_with_tests(tmp_path, extra_test, name)


def _grade(backend, folder: Path):
    return grade_with_hidden(backend, folder, notebook(*SUBMISSION))


def test_the_fixtures_and_the_candidate_process_keep_the_contract(backend, tmp_path):
    result = _grade(backend, _exercise(tmp_path, CONTRACT_TESTS))
    assert result.status == "error" and result.execution_status == "error", result.message
    contract = {t.id.rsplit("::", 1)[1]: t for t in result.tests if "test_contract" in t.id}
    ungrouped = contract.pop("test_without_a_group")
    assert ungrouped.outcome == "error" and "exercise bug" in ungrouped.message
    failures = {name: t.message for name, t in contract.items() if t.outcome != "passed"}
    assert not failures and len(contract) == 7


def test_hidden_tests_that_do_not_collect_are_an_exercise_error(backend, tmp_path):
    result = _grade(backend, _exercise(tmp_path, "def broken(:\n", name="test_broken.py"))
    assert result.status == "error"
    assert (
        "hidden tests could not be collected" in result.message
        and "test_broken.py" in result.message
    )

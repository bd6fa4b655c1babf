"""The trivial notebook's two hidden tests."""

import pytest


@pytest.mark.group("basics")
def test_runs_end_to_end(execution):
    assert execution.status == "completed", f"the notebook did not run: {execution.error}"


@pytest.mark.group("basics")
def test_add(submission):
    assert submission.run("result = add(a, b)", a=2, b=3) == 5, "add(2, 3) should be 5"

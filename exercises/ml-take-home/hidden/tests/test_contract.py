"""Group end_to_end: the notebook runs top to bottom in a fresh kernel (phase 1)."""

import pytest


@pytest.mark.group("end_to_end")
def test_notebook_runs_top_to_bottom(execution):
    assert execution.status == "completed", (
        f"The notebook did not run top to bottom in a fresh kernel (status {execution.status}, "
        f"{execution.cells_executed} of {execution.cells_total} code cells ran; "
        f"{execution.error}). Restart the kernel and run all cells before submitting."
    )
    assert not execution.unexecuted, (
        "Code cells "
        + ", ".join(str(n) for n in execution.unexecuted)
        + " did not run in a fresh kernel: every code cell must run, top to bottom."
    )

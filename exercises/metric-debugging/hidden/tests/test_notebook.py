"""Group end_to_end: what the notebook itself shows.

The Root cause cell earns no points here: whether it states each planted defect's mechanism is a
judgement of prose that no pattern check makes reliably (a salad of the brief's words containing
the right terms passed one), so the interviewer makes it on the scorecard, where the cell's
visible text is shown as evidence (exercise.yaml `evidence`).
"""

import pytest


@pytest.mark.group("end_to_end")
def test_notebook_runs_top_to_bottom(execution):
    assert execution.status == "completed", (
        f"The notebook did not run top to bottom in a fresh kernel (status {execution.status}, "
        f"{execution.cells_executed} of {execution.cells_total} code cells ran; "
        f"{execution.error}). The check cell must pass: restart the kernel and run all cells."
    )
    assert not execution.unexecuted, (
        "Code cells "
        + ", ".join(str(n) for n in execution.unexecuted)
        + " did not run in a fresh kernel: every code cell must run, top to bottom."
    )

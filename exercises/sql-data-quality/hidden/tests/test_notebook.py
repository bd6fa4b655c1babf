"""Groups end_to_end and queries_present: what can be said from the notebook and the starter data.

Both groups are visible to the candidate, so their messages only ever mention the starter database.
"""

import pytest
from grading_data import constants
from reference_queries import QUERIES
from sql_grading import CHECK_SECONDS, QueryProblem, query_text, run_query, sanity_checks

STARTER_DATABASE = "data/churn.sqlite"


@pytest.mark.group("end_to_end")
def test_notebook_runs_top_to_bottom(execution):
    assert execution.status == "completed", (
        f"The notebook did not run top to bottom in a fresh kernel (status {execution.status}, "
        f"{execution.cells_executed} of {execution.cells_total} code cells ran; "
        f"{execution.error}). Restart the kernel and run all cells before you upload."
    )
    # Runners that report cells without an execution count (`unexecuted`) have them count too.
    unexecuted = list(getattr(execution, "unexecuted", ()))
    assert not unexecuted, f"Code cells {unexecuted} did not run: restart the kernel and run all."


def _starter(starter_dir) -> bytes:
    return (starter_dir / STARTER_DATABASE).read_bytes()


@pytest.mark.group("queries_present")
@pytest.mark.parametrize("query", list(QUERIES))
def test_query_is_a_literal_that_runs_on_the_starter_database(submission, starter_dir, query):
    named = QUERIES[query]
    expected = run_query(named.reference, _starter(starter_dir)).columns
    try:
        answer = run_query(
            query_text(constants(submission.notebook), named.name),
            _starter(starter_dir),
            named.name,
        )
    except QueryProblem as problem:
        pytest.fail(str(problem), pytrace=False)
    assert answer.columns == expected, (
        f"{named.name} returns the columns {list(answer.columns)}; the brief asks for "
        f"{list(expected)} (names matter, in that order)."
    )


@pytest.mark.group("queries_present")
def test_sanity_checks_are_literals_that_run_on_the_starter_database(submission, starter_dir):
    try:
        checks = sanity_checks(constants(submission.notebook))
    except QueryProblem as problem:
        pytest.fail(str(problem), pytrace=False)
    assert checks, "SANITY_CHECKS holds no query: add your checks of the data's promises."
    failing = []
    for name, sql in checks.items():
        try:
            run_query(sql, _starter(starter_dir), f"the check {name!r}", CHECK_SECONDS)
        except QueryProblem as problem:
            failing.append(str(problem))
    assert not failing, "; ".join(failing)

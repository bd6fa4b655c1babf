"""Groups monthly_active, churn_by_plan, net_revenue and ticket_spike: each named query against the
reference on two databases generated for this run from fresh seeds (not the starter's)."""

import pytest
from grading_data import RUN_SEEDS, constants, database
from reference_queries import QUERIES
from sql_grading import QueryProblem, difference, query_text, run_query

DRAWS = [0, 1]


def _check(submission, group: str, draw: int) -> None:
    named = QUERIES[group]
    data = database(draw)
    expected = run_query(named.reference, data)
    try:
        answer = run_query(query_text(constants(submission.notebook), named.name), data, named.name)
    except QueryProblem as problem:
        pytest.fail(str(problem), pytrace=False)
    problem = difference(answer, expected, ordered=named.ordered)
    assert problem is None, (
        f"{named.name} ({named.what}) differs from the reference on a database from another seed "
        f"({RUN_SEEDS[draw]}): {problem}"
    )


@pytest.mark.group("monthly_active")
@pytest.mark.parametrize("draw", DRAWS)
def test_monthly_active_matches_the_reference(submission, draw):
    _check(submission, "monthly_active", draw)


@pytest.mark.group("churn_by_plan")
@pytest.mark.parametrize("draw", DRAWS)
def test_churn_by_plan_matches_the_reference(submission, draw):
    _check(submission, "churn_by_plan", draw)


@pytest.mark.group("net_revenue")
@pytest.mark.parametrize("draw", DRAWS)
def test_net_revenue_matches_the_reference(submission, draw):
    _check(submission, "net_revenue", draw)


@pytest.mark.group("ticket_spike")
@pytest.mark.parametrize("draw", DRAWS)
def test_ticket_spike_matches_the_reference(submission, draw):
    _check(submission, "ticket_spike", draw)

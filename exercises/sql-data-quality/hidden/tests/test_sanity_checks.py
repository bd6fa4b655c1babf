"""Group sanity_checks: the candidate's checks catch each broken promise of the brief.

For each promise, the grader breaks it once in a clean copy of a fresh database. A check counts
only if it returns no rows on the clean copy (a check that always fires is not a check); the
promise is caught when one such check returns rows on the broken copy.
"""

import functools

import pytest
from churn_db import DEFECTS
from grading_data import broken_database, clean_database, constants
from sql_grading import CHECK_SECONDS, QueryProblem, run_query, sanity_checks

PROMISES = {
    "duplicate_charge": "an invoice is charged successfully at most once",
    "overlapping_subscriptions": "a customer holds at most one subscription at a time",
    "refund_exceeds_payment": "a payment's refunds never add up to more than the payment",
    "orphan_customer_id": "every customer_id refers to a row of customers",
    "ends_before_start": "a subscription ends after it starts",
}


@functools.cache
def _rows(sql: str, copy: str, name: str) -> int | str:
    """How many rows the check returns on the clean copy or a broken one (each run once)."""
    data = clean_database() if copy == "clean" else broken_database(copy)
    try:
        return len(run_query(sql, data, f"the check {name!r}", CHECK_SECONDS).rows)
    except QueryProblem as problem:
        return str(problem)


@pytest.mark.group("sanity_checks")
@pytest.mark.parametrize("defect", DEFECTS)
def test_a_check_catches_the_broken_promise(submission, defect):
    try:
        checks = sanity_checks(constants(submission.notebook))
    except QueryProblem as problem:
        pytest.fail(str(problem), pytrace=False)
    if not checks:
        pytest.fail("SANITY_CHECKS holds no query, so no broken promise is caught.", pytrace=False)
    noisy, caught = [], []
    for name, sql in checks.items():
        on_clean = _rows(sql, "clean", name)
        if on_clean != 0:
            noisy.append(
                f"{name!r} ({on_clean if isinstance(on_clean, str) else f'{on_clean} rows'})"
            )
            continue
        on_broken = _rows(sql, defect, name)
        if isinstance(on_broken, int) and on_broken > 0:
            caught.append(name)
    assert caught, (
        f"No check flagged a copy of the data that breaks the promise "
        f"'{PROMISES[defect]}'."
        + (f" Not counted, because they fire on a clean copy: {', '.join(noisy)}." if noisy else "")
    )

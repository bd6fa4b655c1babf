"""sql-data-quality without docker: the generator, the read-only query runner, and every reference
against the reference answers on several seeds (the docker run in test_reference_verdicts.py draws
its own seeds; this checks that the verdicts do not depend on which seeds are drawn)."""

from __future__ import annotations

import functools
import importlib
import sqlite3
import sys
import time

import nbformat
import pytest
import yaml

from tests.exercises.exercise_folders import EXERCISES, load_script

FOLDER = EXERCISES / "sql-data-quality"
SEEDS = (11, 2026)
QUERY_GROUPS = ("monthly_active", "churn_by_plan", "net_revenue", "ticket_spike")


@pytest.fixture(scope="module")
def hidden():
    """The hidden helper modules, imported by name as pytest imports them in phase 2."""
    folder = str(FOLDER / "hidden" / "tests")
    sys.path.insert(0, folder)
    try:
        yield {name: importlib.import_module(name) for name in ("churn_db", "sql_grading",
                                                                 "reference_queries")}  # fmt: skip
    finally:
        sys.path.remove(folder)


@pytest.fixture(scope="module")
def starter() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{FOLDER / 'starter' / 'data' / 'churn.sqlite'}?mode=ro", uri=True)


def _constants(hidden, name: str) -> dict:
    notebook = nbformat.read(FOLDER / "reference" / name, as_version=4)
    return hidden["sql_grading"].literal_assignments(notebook)


# --- the data ------------------------------------------------------------------------------------
def test_the_starter_database_is_what_the_generator_builds(hidden, starter):
    built = load_script("sql-data-quality", "generate_data").build()
    (content,) = built.values()
    rebuilt = hidden["churn_db"].open_copy(content)
    assert list(rebuilt.iterdump()) == list(starter.iterdump()), "run generate_data.py"
    assert hidden["churn_db"].build(5) == hidden["churn_db"].build(5), "not deterministic"
    assert hidden["churn_db"].build(5) != hidden["churn_db"].build(6)


def test_the_starter_database_has_the_planted_pitfalls(starter):
    one = lambda sql: starter.execute(sql).fetchone()[0]  # noqa: E731
    duplicates = one(
        "SELECT COUNT(*) FROM (SELECT invoice_id FROM payments WHERE status = 'succeeded' "
        "GROUP BY invoice_id HAVING COUNT(*) > 1)"
    )
    assert duplicates >= 3, "billing-retry duplicates"
    assert one("SELECT COUNT(*) FROM (SELECT payment_id FROM refunds GROUP BY payment_id "
               "HAVING COUNT(*) > 1)") >= 3, "payments refunded twice (fan-out)"  # fmt: skip
    assert one("SELECT COUNT(*) FROM subscriptions WHERE ended_at IS NULL") > 100
    assert one("SELECT COUNT(*) FROM payments WHERE paid_at LIKE '%-05:00'") > 100
    assert one("SELECT COUNT(*) FROM payments WHERE paid_at LIKE '%Z'") > 10
    local_month_differs = one(
        "SELECT COUNT(*) FROM payments WHERE substr(paid_at, 1, 7) <> strftime('%Y-%m', paid_at)"
    )
    assert local_month_differs > 5, "payments whose local and UTC months differ"
    at_month_start = one(
        "SELECT COUNT(*) FROM subscriptions WHERE end_reason = 'cancelled' "
        "AND strftime('%d %H:%M:%S', ended_at) = '01 00:00:00' AND ended_at NOT LIKE '%Z' "
        "AND ended_at NOT LIKE '%+00:00'"
    )
    assert at_month_start >= 4, "cancellations exactly at a UTC month start, in local time"


def test_clean_copies_keep_every_promise_and_each_defect_breaks_exactly_one(hidden):
    churn_db, grading = hidden["churn_db"], hidden["sql_grading"]
    checks = grading.sanity_checks(_constants(hidden, "full-marks.ipynb"))
    catches = dict(zip(churn_db.DEFECTS, checks, strict=True))  # the checks are in that order
    for seed in SEEDS:
        clean = churn_db.build(seed, duplicates=False)
        for name, sql in checks.items():
            assert grading.run_query(sql, clean).rows == (), f"seed {seed}: {name} fires on clean"
        for defect in churn_db.DEFECTS:
            broken = churn_db.with_defect(clean, defect, seed)
            firing = {n for n, sql in checks.items() if grading.run_query(sql, broken).rows}
            assert firing == {catches[defect]}, f"seed {seed}, {defect}: {firing}"
    with pytest.raises(ValueError, match="unknown defect"):
        churn_db.with_defect(clean, "nope", 1)


FINGERPRINT = """
SELECT '{table}', {key} FROM (
    SELECT {key}, julianday({column}) AS at, LAG(julianday({column})) OVER (ORDER BY {key}) AS prev
    FROM {table}
) WHERE at < prev
"""


def test_a_planted_defect_leaves_no_fingerprint_beside_the_broken_promise(hidden):
    # A "check" that flags ids out of time order would catch inserted rows without checking any
    # promise: the broken copies renumber their rows as the generator would have.
    churn_db, grading = hidden["churn_db"], hidden["sql_grading"]
    clean = churn_db.build(SEEDS[0], duplicates=False)
    fingerprints = [
        FINGERPRINT.format(table=table, key=key, column=column)
        for table, key, column in (("payments", "payment_id", "paid_at"),
                                   ("subscriptions", "subscription_id", "started_at"),
                                   ("refunds", "refund_id", "refunded_at"),
                                   ("tickets", "ticket_id", "opened_at"))
    ]  # fmt: skip
    for defect in churn_db.DEFECTS:
        broken = churn_db.with_defect(clean, defect, SEEDS[1])
        for sql in fingerprints:
            assert grading.run_query(sql, clean).rows == ()
            assert grading.run_query(sql, broken).rows == (), f"{defect}: {sql}"


# --- the references --------------------------------------------------------------------------
@functools.cache
def _databases(churn_db, grading, queries, seed: int):
    """The seed's database, the reference answers on it, its clean copy and the broken copies."""
    data = churn_db.build(seed)
    expected = {g: grading.run_query(q.reference, data) for g, q in queries.QUERIES.items()}
    clean = churn_db.build(seed + 1, duplicates=False)
    broken = {defect: churn_db.with_defect(clean, defect, seed) for defect in churn_db.DEFECTS}
    return data, expected, clean, broken


def _failing_groups(hidden, constants: dict, seed: int) -> set[str]:
    churn_db, grading, queries = (
        hidden["churn_db"],
        hidden["sql_grading"],
        hidden["reference_queries"],
    )
    data, expected, clean, broken = _databases(churn_db, grading, queries, seed)
    failing = set()
    for group, named in queries.QUERIES.items():
        try:
            answer = grading.run_query(grading.query_text(constants, named.name), data)
        except grading.QueryProblem:
            failing.add(group)
            continue
        if grading.difference(answer, expected[group], ordered=named.ordered) is not None:
            failing.add(group)
    try:
        checks = grading.sanity_checks(constants)
    except grading.QueryProblem:
        checks = {}
    silent = [sql for sql in checks.values() if not grading.run_query(sql, clean).rows]
    for copy in broken.values():
        if not any(grading.run_query(sql, copy).rows for sql in silent):
            failing.add("sanity_checks")
    return failing


VERDICTS = yaml.safe_load((FOLDER / "reference" / "verdicts.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(VERDICTS))
def test_each_reference_fails_exactly_its_groups_on_every_seed(hidden, name):
    scored = set(QUERY_GROUPS) | {"sanity_checks"}
    expected = set(VERDICTS[name].get("failed_groups", [])) & scored
    constants = _constants(hidden, name)
    for seed in SEEDS:
        assert _failing_groups(hidden, constants, seed) == expected, f"seed {seed}"


# --- the query runner: candidate SQL is an adversary ----------------------------------------------
@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO customers VALUES (99999, '2025-01-01', 'GB')",
        "UPDATE payments SET amount_cents = 0",
        "DELETE FROM refunds",
        "CREATE TEMP TABLE answers AS SELECT 1",
        "ATTACH DATABASE '/tmp/elsewhere.db' AS other",
        "PRAGMA writable_schema = 1",
        "BEGIN",
        "SELECT load_extension('/tmp/evil.so')",
        "SELECT 1; DROP TABLE customers",
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT max(x) FROM r",
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r",
        "SELECT zeroblob(100000000)",
        "SELECT a.* FROM payments a, payments b",
    ],
)
def test_the_runner_refuses_writes_escapes_and_runaways(hidden, sql):
    grading, churn_db = hidden["sql_grading"], hidden["churn_db"]
    data = churn_db.build(3, customers=40)
    started = time.thread_time()  # the limit is on CPU time, so a busy machine does not matter
    with pytest.raises(grading.QueryProblem) as problem:
        grading.run_query(sql, data, "NET_REVENUE")
    assert time.thread_time() - started < grading.QUERY_SECONDS + 1
    assert str(problem.value).startswith("NET_REVENUE ")
    assert grading.run_query("SELECT COUNT(*) FROM customers", data).rows[0][0] > 0


def test_query_constants_are_read_from_source_only(hidden):
    grading = hidden["sql_grading"]
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('%load_ext sql\nA = "SELECT 1"\nB = "SELECT " + "2"'),
            nbformat.v4.new_code_cell("def broken(:\n    pass"),
            nbformat.v4.new_code_cell('C = f"SELECT {A}"\nA = """SELECT 3"""\nD: str = "SELECT 4"'),
            nbformat.v4.new_code_cell('SANITY_CHECKS = {"x": "SELECT 5", "empty": "-- nothing"}'),
            nbformat.v4.new_markdown_cell('E = "SELECT 6"'),
        ]
    )
    constants = grading.literal_assignments(notebook)
    assert grading.query_text(constants, "A") == "SELECT 3", "the last assignment wins"
    assert grading.query_text(constants, "D") == "SELECT 4"
    for name in ("B", "C"):
        with pytest.raises(grading.QueryProblem, match="must be a string literal"):
            grading.query_text(constants, name)
    with pytest.raises(grading.QueryProblem, match="E is not defined"):
        grading.query_text(constants, "E")
    assert grading.sanity_checks(constants) == {"x": "SELECT 5"}
    with pytest.raises(grading.QueryProblem, match="dict literal"):
        grading.sanity_checks({"SANITY_CHECKS": ["SELECT 1"]})
    many = {f"check {i}": "SELECT 1" for i in range(grading.MAX_CHECKS + 1)}
    with pytest.raises(grading.QueryProblem, match="at most 15 are graded"):
        grading.sanity_checks({"SANITY_CHECKS": many})


def test_answers_compare_by_columns_rows_order_and_tolerance(hidden):
    grading = hidden["sql_grading"]
    answer = grading.Answer
    want = answer(("plan", "rate"), (("basic", 0.25), ("premium", 0.5)))
    shuffled = answer(("plan", "rate"), (("premium", 0.50004), ("basic", 0.25)))
    assert grading.difference(shuffled, want, ordered=False) is None
    assert "row 1" in grading.difference(shuffled, want, ordered=True)
    off = answer(("plan", "rate"), (("basic", 0.25), ("premium", 0.501)))
    assert grading.difference(off, want, ordered=False) is not None
    renamed = answer(("plan", "churn"), want.rows)
    assert "columns" in grading.difference(renamed, want, ordered=False)
    assert "1 rows, expected 2" in grading.difference(answer(want.columns, want.rows[:1]), want,
                                                      ordered=True)  # fmt: skip

"""Write the starter notebook and the reference notebooks of the sql-data-quality exercise.

    python exercises/sql-data-quality/build_notebooks.py

The references are the starter's cells with other queries; edit the queries here, not the .ipynb
files. The hard-coded reference types in the starter database's answers, computed here.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
NOTEBOOK = "sql_data_quality.ipynb"


def _hidden(name: str):
    """A module of hidden/tests (the generator and the reference queries live there); they import
    each other by name, as they do when pytest collects them, so their folder goes on sys.path."""
    folder = str(HERE / "hidden" / "tests")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


INTRO = """\
# Data quality in SQL: churn, revenue and tickets

Read the brief on the exercise page first (it defines each query precisely). Budget: 30 to 45
minutes. The database is `data/churn.sqlite`; Python's standard `sqlite3` is all you need.

## How the notebook is graded — definitions only

1. The whole notebook is run top to bottom in a fresh kernel. It must finish without errors.
2. Then the grader reads your queries from this notebook's **source**: definitions only — the
   string literals assigned to `MONTHLY_ACTIVE`, `CHURN_BY_PLAN`, `NET_REVENUE`, `TICKET_SPIKE`
   and the dict literal `SANITY_CHECKS`. Your code is **not re-run**: a query built by Python code
   (f-strings, `+`, `.format`) is not read. Keep each query one `SELECT` (a `WITH` is fine).
3. Each query runs, read-only, against databases generated like this one **from other seeds**,
   and its rows are compared with the reference answer. Typing in the numbers you see here fails.
4. Your sanity checks run on a clean copy of such a database (they must return no rows there) and
   on copies in which one promise of the data has been broken (one of them must return rows).
"""

SETUP = """\
import sqlite3

DB = sqlite3.connect("file:data/churn.sqlite?mode=ro", uri=True)


def show(sql, limit=10):
    \"\"\"Run `sql` on the starter database; print the column names and the first rows.\"\"\"
    cursor = DB.execute(sql)
    print([column[0] for column in cursor.description or []])
    for row in cursor.fetchmany(limit):
        print(row)
"""

EXPLORE = """\
show("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
show("SELECT * FROM payments")
"""

SECTIONS = {
    "MONTHLY_ACTIVE": (
        "## 1. Monthly active customers\n\nColumns `month`, `active_customers`; one row per "
        "month from 2025-01 to 2025-06, ordered by month."
    ),
    "CHURN_BY_PLAN": (
        "## 2. Churn rate per plan\n\nColumns `plan`, `customers`, `churned`, `churn_rate`; the "
        "plan is the one held on 2025-01-01 00:00 UTC."
    ),
    "NET_REVENUE": (
        "## 3. Net revenue per month\n\nColumns `month`, `net_revenue_cents`; 2025-01 to "
        "2025-06, ordered by month."
    ),
    "TICKET_SPIKE": (
        "## 4. Tickets spiking before cancelling\n\nOne column, `customer_id`, one row per "
        "customer."
    ),
}

SANITY_MD = """\
## 5. Sanity checks

One query per promise of the data (see the brief). Each returns the rows that **break** the
promise, so it returns no rows on data that keeps it.
"""

NOTES_MD = """\
## Data notes

Replace this text: which problems did you find in the data, how did you find them, how did each
one change your queries, and what would you ask the data's owners?
"""


def _query_cell(name: str, sql: str) -> str:
    body = sql.strip("\n")
    return (
        f'{name} = """\n{body}\n"""\nshow({name})\n'
        if body
        else f'{name} = """\n"""\nshow({name})\n'
    )


def _sanity_cell(checks: dict[str, str]) -> str:
    lines = ["SANITY_CHECKS = {"]
    if not checks:
        lines.append('    # "name of the promise": """SELECT ... the rows that break it ...""",')
    for name, sql in checks.items():
        lines.append(f'    "{name}": """\n{sql.strip()}\n""",')
    lines.append("}")
    lines.append("")
    lines.append("for name, sql in SANITY_CHECKS.items():")
    lines.append('    print(f"{name}: {len(DB.execute(sql).fetchall())} offending rows")')
    return "\n".join(lines) + "\n"


def cells(queries: dict[str, str], checks: dict[str, str], notes: str = NOTES_MD):
    out = [("md", INTRO), ("code", SETUP), ("code", EXPLORE)]
    for name, section in SECTIONS.items():
        out += [("md", section), ("code", _query_cell(name, queries.get(name, "")))]
    out += [("md", SANITY_MD), ("code", _sanity_cell(checks)), ("md", notes)]
    return out


# --- the full-marks answers --------------------------------------------------------------------
MONTHLY_ACTIVE = """\
WITH RECURSIVE months(start) AS (
    SELECT '2025-01-01 00:00:00'
    UNION ALL
    SELECT datetime(start, '+1 month') FROM months WHERE start < '2025-06-01 00:00:00'
)
SELECT strftime('%Y-%m', m.start) AS month,
       COUNT(DISTINCT s.customer_id) AS active_customers
FROM months AS m
LEFT JOIN subscriptions AS s
  ON datetime(s.started_at) < datetime(m.start, '+1 month')        -- half-open [start, end)
 AND (s.ended_at IS NULL OR datetime(s.ended_at) > m.start)        -- NULL: still active
GROUP BY m.start
ORDER BY month"""

CHURN_BY_PLAN = """\
WITH cohort AS (             -- the plan held at the window's start, one row per customer
    SELECT customer_id, plan FROM subscriptions
    WHERE datetime(started_at) <= '2025-01-01 00:00:00'
      AND (ended_at IS NULL OR datetime(ended_at) > '2025-01-01 00:00:00')
)
SELECT plan,
       COUNT(*) AS customers,
       SUM(EXISTS (SELECT 1 FROM subscriptions AS s
                   WHERE s.customer_id = cohort.customer_id AND s.end_reason = 'cancelled'
                     AND datetime(s.ended_at) >= '2025-01-01 00:00:00'
                     AND datetime(s.ended_at) < '2025-07-01 00:00:00')) AS churned,
       AVG(EXISTS (SELECT 1 FROM subscriptions AS s
                   WHERE s.customer_id = cohort.customer_id AND s.end_reason = 'cancelled'
                     AND datetime(s.ended_at) >= '2025-01-01 00:00:00'
                     AND datetime(s.ended_at) < '2025-07-01 00:00:00')) AS churn_rate
FROM cohort
GROUP BY plan"""

NET_REVENUE = """\
WITH charges AS (            -- one row per invoice: the billing retry recorded some twice
    SELECT invoice_id, strftime('%Y-%m', MIN(datetime(paid_at))) AS month,
           MAX(amount_cents) AS amount_cents
    FROM payments WHERE status = 'succeeded' GROUP BY invoice_id
),
refunded AS (                -- refunds per invoice, summed before joining (no fan-out)
    SELECT p.invoice_id, SUM(r.amount_cents) AS amount_cents
    FROM refunds AS r JOIN payments AS p USING (payment_id) GROUP BY p.invoice_id
)
SELECT c.month, SUM(c.amount_cents - COALESCE(f.amount_cents, 0)) AS net_revenue_cents
FROM charges AS c LEFT JOIN refunded AS f USING (invoice_id)
WHERE c.month BETWEEN '2025-01' AND '2025-06'
GROUP BY c.month
ORDER BY c.month"""

TICKET_SPIKE = """\
WITH cancelled AS (
    SELECT customer_id, julianday(ended_at) AS at FROM subscriptions
    WHERE end_reason = 'cancelled'
      AND datetime(ended_at) >= '2025-01-01 00:00:00'
      AND datetime(ended_at) < '2025-07-01 00:00:00'
),
counts AS (                  -- LEFT JOIN: a customer with no earlier tickets still counts
    SELECT c.customer_id,
           COUNT(CASE WHEN julianday(t.opened_at) >= c.at - 14
                       AND julianday(t.opened_at) < c.at THEN 1 END) AS recent,
           COUNT(CASE WHEN julianday(t.opened_at) >= c.at - 28
                       AND julianday(t.opened_at) < c.at - 14 THEN 1 END) AS earlier
    FROM cancelled AS c LEFT JOIN tickets AS t USING (customer_id)
    GROUP BY c.customer_id
)
SELECT customer_id FROM counts WHERE recent >= 3 AND recent >= 2 * earlier"""

SANITY = {
    "an invoice is charged at most once": """\
SELECT invoice_id, COUNT(*) AS charges FROM payments
WHERE status = 'succeeded' GROUP BY invoice_id HAVING COUNT(*) > 1""",
    "one subscription at a time": """\
SELECT a.subscription_id, b.subscription_id
FROM subscriptions AS a JOIN subscriptions AS b
  ON a.customer_id = b.customer_id AND a.subscription_id < b.subscription_id
 AND datetime(a.started_at) < COALESCE(datetime(b.ended_at), '9999-12-31')
 AND datetime(b.started_at) < COALESCE(datetime(a.ended_at), '9999-12-31')""",
    "refunds within the payment": """\
SELECT p.payment_id FROM payments AS p JOIN refunds AS r USING (payment_id)
GROUP BY p.payment_id HAVING SUM(r.amount_cents) > MAX(p.amount_cents)""",
    "customer ids exist": """\
SELECT 'subscriptions', customer_id FROM subscriptions
WHERE customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL SELECT 'payments', customer_id FROM payments
WHERE customer_id NOT IN (SELECT customer_id FROM customers)
UNION ALL SELECT 'tickets', customer_id FROM tickets
WHERE customer_id NOT IN (SELECT customer_id FROM customers)""",
    "subscriptions end after they start": """\
SELECT subscription_id FROM subscriptions WHERE julianday(ended_at) <= julianday(started_at)""",
}

NOTES = """\
## Data notes

- **Duplicate charges.** `payments.invoice_id` should be unique among successful charges, but the
  billing retry recorded some charges twice, seconds apart (my first check finds them). Revenue
  counts each invoice once.
- **Refunds fan out.** Some payments have two partial refunds; joining refunds to payments before
  summing counted those payments twice, so refunds are summed per invoice first.
- **Time zones.** Timestamps carry the customer's local offset; months and windows are computed on
  `datetime(...)` (UTC), otherwise events near midnight land in the wrong month.
- **Half-open windows and NULLs.** A subscription is active on `[started_at, ended_at)`, and an
  `ended_at` of NULL means still active, which a plain comparison would silently drop. Customers
  with no earlier tickets need a LEFT JOIN, or the ticket spike misses them.
- I would ask the billing team to fix the retry and to add a unique key on successful invoices.
"""

FULL = {
    "MONTHLY_ACTIVE": MONTHLY_ACTIVE,
    "CHURN_BY_PLAN": CHURN_BY_PLAN,
    "NET_REVENUE": NET_REVENUE,
    "TICKET_SPIKE": TICKET_SPIKE,
}


def full_marks():
    return cells(FULL, SANITY, NOTES)


def starter():
    return cells({}, {})


def fan_out_join():
    # Duplicates removed, but payments joined to refunds before summing: a payment refunded twice
    # counts twice.
    revenue = """\
SELECT strftime('%Y-%m', p.paid_at) AS month,
       SUM(p.amount_cents) - COALESCE(SUM(r.amount_cents), 0) AS net_revenue_cents
FROM payments AS p LEFT JOIN refunds AS r ON r.payment_id = p.payment_id
WHERE p.status = 'succeeded'
  AND p.payment_id IN (SELECT MIN(payment_id) FROM payments
                       WHERE status = 'succeeded' GROUP BY invoice_id)
  AND strftime('%Y-%m', p.paid_at) BETWEEN '2025-01' AND '2025-06'
GROUP BY month
ORDER BY month"""
    return cells(FULL | {"NET_REVENUE": revenue}, SANITY, NOTES)


def inner_join_drops():
    # Recent and earlier ticket counts grouped separately and INNER JOINed: a customer with no
    # earlier tickets has no row on one side and silently disappears.
    spike = """\
WITH cancelled AS (
    SELECT customer_id, julianday(ended_at) AS at FROM subscriptions
    WHERE end_reason = 'cancelled'
      AND datetime(ended_at) >= '2025-01-01 00:00:00' AND datetime(ended_at) < '2025-07-01 00:00:00'
),
recent AS (
    SELECT c.customer_id, COUNT(*) AS n FROM cancelled AS c JOIN tickets AS t USING (customer_id)
    WHERE julianday(t.opened_at) >= c.at - 14 AND julianday(t.opened_at) < c.at
    GROUP BY c.customer_id
),
earlier AS (
    SELECT c.customer_id, COUNT(*) AS n FROM cancelled AS c JOIN tickets AS t USING (customer_id)
    WHERE julianday(t.opened_at) >= c.at - 28 AND julianday(t.opened_at) < c.at - 14
    GROUP BY c.customer_id
)
SELECT r.customer_id FROM recent AS r JOIN earlier AS e USING (customer_id)
WHERE r.n >= 3 AND r.n >= 2 * e.n"""
    return cells(FULL | {"TICKET_SPIKE": spike}, SANITY, NOTES)


def off_by_one_window():
    # Closed windows: a subscription ending exactly at a month's start counts in that month, and a
    # ticket at the cancellation moment counts as recent.
    active = MONTHLY_ACTIVE.replace(
        "datetime(s.ended_at) > m.start)", "datetime(s.ended_at) >= m.start)"
    )
    spike = TICKET_SPIKE.replace(
        "julianday(t.opened_at) < c.at THEN", "julianday(t.opened_at) <= c.at THEN"
    )
    assert active != MONTHLY_ACTIVE and spike != TICKET_SPIKE
    return cells(FULL | {"MONTHLY_ACTIVE": active, "TICKET_SPIKE": spike}, SANITY, NOTES)


def local_time_months():
    # Months taken from the local timestamp text: events near midnight land in the wrong month.
    active = MONTHLY_ACTIVE.replace(
        "datetime(s.started_at)", "replace(substr(s.started_at, 1, 19), 'T', ' ')"
    )
    active = active.replace("datetime(s.ended_at)", "replace(substr(s.ended_at, 1, 19), 'T', ' ')")
    revenue = NET_REVENUE.replace("MIN(datetime(paid_at))", "MIN(substr(paid_at, 1, 19))")
    assert active != MONTHLY_ACTIVE and revenue != NET_REVENUE
    return cells(FULL | {"MONTHLY_ACTIVE": active, "NET_REVENUE": revenue}, SANITY, NOTES)


def latest_plan():
    # Churn grouped by each customer's latest plan instead of the plan held at the window's start.
    churn = """\
WITH latest AS (
    SELECT customer_id, plan, end_reason, ended_at,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY julianday(started_at) DESC) AS n
    FROM subscriptions
),
cohort AS (
    SELECT DISTINCT customer_id FROM subscriptions
    WHERE datetime(started_at) <= '2025-01-01 00:00:00'
      AND (ended_at IS NULL OR datetime(ended_at) > '2025-01-01 00:00:00')
)
SELECT l.plan, COUNT(*) AS customers,
       SUM(COALESCE(l.end_reason = 'cancelled'
                    AND datetime(l.ended_at) < '2025-07-01 00:00:00', 0)) AS churned,
       AVG(COALESCE(l.end_reason = 'cancelled'
                    AND datetime(l.ended_at) < '2025-07-01 00:00:00', 0)) AS churn_rate
FROM latest AS l JOIN cohort USING (customer_id)
WHERE l.n = 1
GROUP BY l.plan"""
    return cells(FULL | {"CHURN_BY_PLAN": churn}, SANITY, NOTES)


def hard_coded():
    # The starter database's answers typed in: right here, wrong on any other seed.
    churn_db, reference, grading = (
        _hidden("churn_db"),
        _hidden("reference_queries"),
        _hidden("sql_grading"),
    )
    data = churn_db.build(churn_db.STARTER_SEED)
    typed = {}
    for named in reference.QUERIES.values():
        answer = grading.run_query(named.reference, data)
        selects = [
            "SELECT "
            + ", ".join(
                f"{value!r} AS {column}" for value, column in zip(row, answer.columns, strict=True)
            )
            for row in answer.rows
        ]
        typed[named.name] = "\nUNION ALL ".join(selects)
    return cells(typed, SANITY, NOTES)


def no_sanity_checks():
    return cells(FULL, {}, NOTES)


REFERENCES: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "full-marks.ipynb": full_marks,
    "untouched.ipynb": starter,
    "fan-out-join.ipynb": fan_out_join,
    "inner-join-drops.ipynb": inner_join_drops,
    "off-by-one-window.ipynb": off_by_one_window,
    "local-time-months.ipynb": local_time_months,
    "latest-plan.ipynb": latest_plan,
    "hard-coded.ipynb": hard_coded,
    "no-sanity-checks.ipynb": no_sanity_checks,
}


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    # Fixed cell ids keep rebuilt notebooks byte-identical.
    return new_notebook(
        cells=[
            new_markdown_cell(src.rstrip("\n"), id=f"cell-{i}")
            if kind == "md"
            else new_code_cell(src.rstrip("\n"), id=f"cell-{i}")
            for i, (kind, src) in enumerate(cells)
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )


def _text(cells: list[tuple[str, str]]) -> bytes:
    text = nbformat.writes(notebook(cells))
    return (text if text.endswith("\n") else text + "\n").encode()


def build() -> dict[Path, bytes]:
    """Every notebook this script owns, as the exact bytes committed."""
    files = {HERE / "starter" / NOTEBOOK: _text(starter())}
    for name, make in REFERENCES.items():
        files[HERE / "reference" / name] = _text(make())
    return files


def main() -> None:
    for path, content in build().items():
        path.write_bytes(content)
    print(f"wrote starter/{NOTEBOOK} and {len(REFERENCES)} reference notebooks")


if __name__ == "__main__":
    main()

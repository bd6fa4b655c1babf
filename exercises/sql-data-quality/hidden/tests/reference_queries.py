"""The reference answers: one query per named query of the brief, and the promises of the data.

A candidate's query matches when it returns the same columns and the same rows as the reference on
a database built from a fresh seed (order compared only where the brief asks for an order).
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS_CTE = """
WITH RECURSIVE months(month_start) AS (
    SELECT '2025-01-01 00:00:00'
    UNION ALL
    SELECT datetime(month_start, '+1 month') FROM months WHERE month_start < '2025-06-01 00:00:00'
)
"""

MONTHLY_ACTIVE = (
    MONTHS_CTE
    + """
SELECT strftime('%Y-%m', m.month_start) AS month,
       COUNT(DISTINCT s.customer_id) AS active_customers
FROM months AS m
LEFT JOIN subscriptions AS s
  ON datetime(s.started_at) < datetime(m.month_start, '+1 month')
 AND (s.ended_at IS NULL OR datetime(s.ended_at) > m.month_start)
GROUP BY m.month_start
ORDER BY month
"""
)

CHURN_BY_PLAN = """
WITH cohort AS (
    SELECT customer_id, plan
    FROM subscriptions
    WHERE datetime(started_at) <= '2025-01-01 00:00:00'
      AND (ended_at IS NULL OR datetime(ended_at) > '2025-01-01 00:00:00')
),
cancelled AS (
    SELECT DISTINCT customer_id
    FROM subscriptions
    WHERE end_reason = 'cancelled'
      AND datetime(ended_at) >= '2025-01-01 00:00:00'
      AND datetime(ended_at) < '2025-07-01 00:00:00'
)
SELECT c.plan AS plan,
       COUNT(*) AS customers,
       COUNT(x.customer_id) AS churned,
       1.0 * COUNT(x.customer_id) / COUNT(*) AS churn_rate
FROM cohort AS c
LEFT JOIN cancelled AS x ON x.customer_id = c.customer_id
GROUP BY c.plan
"""

NET_REVENUE = (
    MONTHS_CTE
    + """,
invoices AS (
    SELECT invoice_id, MIN(strftime('%Y-%m', paid_at)) AS month, MAX(amount_cents) AS charged
    FROM payments
    WHERE status = 'succeeded'
    GROUP BY invoice_id
),
refunded AS (
    SELECT p.invoice_id, SUM(r.amount_cents) AS amount
    FROM refunds AS r
    JOIN payments AS p ON p.payment_id = r.payment_id
    GROUP BY p.invoice_id
)
SELECT strftime('%Y-%m', m.month_start) AS month,
       COALESCE(SUM(i.charged - COALESCE(f.amount, 0)), 0) AS net_revenue_cents
FROM months AS m
LEFT JOIN invoices AS i ON i.month = strftime('%Y-%m', m.month_start)
LEFT JOIN refunded AS f ON f.invoice_id = i.invoice_id
GROUP BY m.month_start
ORDER BY month
"""
)

TICKET_SPIKE = """
WITH cancellations AS (
    SELECT customer_id, datetime(ended_at) AS cancelled_at
    FROM subscriptions
    WHERE end_reason = 'cancelled'
      AND datetime(ended_at) >= '2025-01-01 00:00:00'
      AND datetime(ended_at) < '2025-07-01 00:00:00'
),
counts AS (
    SELECT c.customer_id,
           SUM(datetime(t.opened_at) >= datetime(c.cancelled_at, '-14 days')
               AND datetime(t.opened_at) < c.cancelled_at) AS recent,
           SUM(datetime(t.opened_at) >= datetime(c.cancelled_at, '-28 days')
               AND datetime(t.opened_at) < datetime(c.cancelled_at, '-14 days')) AS earlier
    FROM cancellations AS c
    JOIN tickets AS t ON t.customer_id = c.customer_id
    GROUP BY c.customer_id
)
SELECT customer_id FROM counts WHERE recent >= 3 AND recent >= 2 * earlier
"""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    reference: str
    ordered: bool
    what: str


QUERIES = {
    "monthly_active": NamedQuery(
        "MONTHLY_ACTIVE", MONTHLY_ACTIVE, True, "monthly active customers"
    ),
    "churn_by_plan": NamedQuery("CHURN_BY_PLAN", CHURN_BY_PLAN, False, "churn rate per plan"),
    "net_revenue": NamedQuery("NET_REVENUE", NET_REVENUE, True, "net revenue per month"),
    "ticket_spike": NamedQuery(
        "TICKET_SPIKE", TICKET_SPIKE, False, "ticket spikes before cancelling"
    ),
}

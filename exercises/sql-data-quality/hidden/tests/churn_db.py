"""The churn database of the sql-data-quality exercise: a deterministic generator (stdlib only).

``build(seed)`` returns the bytes of a small SQLite database: customers, subscriptions (one row per
plan held, half-open ``[started_at, ended_at)``), payments (monthly invoices, failed charges and
their retries, and billing-retry duplicates), refunds (some payments refunded twice, partially)
and support tickets. Timestamps are ISO 8601 in each customer's local offset, so only a UTC
normalisation (``datetime(x)``, ``julianday(x)``, ``strftime(..., x)``) compares or buckets them
correctly. Every seed plants the cases that tell a correct query from the usual mistakes: events
exactly on month and window boundaries, events whose local and UTC months differ, payments with
two refunds, duplicate charges, customers with tickets only shortly before cancelling.

``build(seed, duplicates=False)`` keeps every promise of the brief (the clean copy the sanity
checks must stay silent on); ``with_defect(clean, name, seed)`` breaks exactly one promise.
The starter database is ``build(STARTER_SEED)``; grading draws fresh seeds per run.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta

STARTER_SEED = 20250715
EXTRACT = datetime(2025, 7, 15, tzinfo=UTC)  # when the data was exported
WINDOW_START = datetime(2025, 1, 1, tzinfo=UTC)
WINDOW_END = datetime(2025, 7, 1, tzinfo=UTC)  # exclusive
MONTH_STARTS = tuple(datetime(2025, m, 1, tzinfo=UTC) for m in range(1, 8))
PAYMENTS_SINCE = datetime(2024, 7, 1, tzinfo=UTC)
PLANS = {"basic": 900, "standard": 1900, "premium": 4900}
PLAN_WEIGHTS = (0.5, 0.3, 0.2)
# (offset in minutes, countries): a customer's timestamps are written in their local offset.
ZONES = ((0, ("GB", "PT")), (-300, ("US", "CA")), (-480, ("US",)), (60, ("DE", "FR")),
         (330, ("IN",)), (540, ("JP", "KR")))  # fmt: skip
TOPICS = ("billing", "login", "bug", "feature request", "cancellation", "invoice")
DEFECTS = (
    "duplicate_charge",
    "overlapping_subscriptions",
    "refund_exceeds_payment",
    "orphan_customer_id",
    "ends_before_start",
)

SCHEMA = """
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    signed_up_at TEXT NOT NULL,
    country TEXT NOT NULL
);
CREATE TABLE subscriptions (
    subscription_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    plan TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    invoice_id TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    status TEXT NOT NULL,
    paid_at TEXT NOT NULL
);
CREATE TABLE refunds (
    refund_id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    refunded_at TEXT NOT NULL,
    reason TEXT
);
CREATE TABLE tickets (
    ticket_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    topic TEXT NOT NULL
);
"""


def stamp(moment: datetime, offset_minutes: int, rng: random.Random | None = None) -> str:
    """``moment`` as local ISO 8601 text with its offset (UTC sometimes as ``Z``)."""
    local = moment.astimezone(UTC) + timedelta(minutes=offset_minutes)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if offset_minutes == 0:
        return text + ("Z" if rng is not None and rng.random() < 0.5 else "+00:00")
    sign = "+" if offset_minutes > 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(max(seconds, 1)))


class _Customer:
    def __init__(self, customer_id: int, signup: datetime, offset: int, country: str) -> None:
        self.id, self.signup, self.offset, self.country = customer_id, signup, offset, country
        self.rows: list[list] = []  # [plan, start, end | None, end_reason | None]
        self.cancelled_at: datetime | None = None
        self.quiet: tuple[datetime, datetime] | None = None  # no background tickets here
        self.tickets: list[datetime] = []


class _Builder:
    def __init__(self, seed: int, duplicates: bool) -> None:
        self.rng = random.Random(seed)
        self.duplicates = duplicates
        self.customers: list[_Customer] = []

    # --- customers and subscriptions -------------------------------------------------------
    def customer(self, signup: datetime, offset: int | None = None) -> _Customer:
        zones = [z for z in ZONES if offset is None or z[0] == offset]
        minutes, countries = self.rng.choice(zones)
        customer = _Customer(len(self.customers) + 1, signup, minutes, self.rng.choice(countries))
        self.customers.append(customer)
        return customer

    def plan(self, other_than: str | None = None) -> str:
        names = [p for p in PLANS if p != other_than]
        weights = [w for p, w in zip(PLANS, PLAN_WEIGHTS, strict=True) if p != other_than]
        return self.rng.choices(names, weights)[0]

    def history(self, customer: _Customer, changes: list[datetime], cancel: datetime | None):
        """Subscription rows from sign-up: a new row at each plan change, ended by ``cancel``."""
        if cancel is not None and cancel > EXTRACT:
            cancel = None
        changes = sorted(
            t for t in changes if t > customer.signup and (cancel is None or t < cancel)
        )
        plan, start = self.plan(), customer.signup
        for change in changes:
            if change >= EXTRACT:
                break
            customer.rows.append([plan, start, change, "plan_change"])
            plan, start = self.plan(other_than=plan), change
        customer.rows.append([plan, start, cancel, "cancelled" if cancel else None])
        customer.cancelled_at = cancel

    def random_customers(self, count: int) -> None:
        for _ in range(count):
            signup = _between(
                self.rng, datetime(2023, 6, 1, tzinfo=UTC), datetime(2025, 6, 20, tzinfo=UTC)
            )
            customer = self.customer(signup)
            changes = [
                _between(self.rng, signup, EXTRACT)
                for _ in range(self.rng.choice((0, 0, 0, 1, 1, 2)))
            ]
            cancel = None
            if self.rng.random() < 0.38:
                cancel = _between(
                    self.rng, signup + timedelta(days=20), EXTRACT + timedelta(days=240)
                )
            self.history(customer, changes, cancel)
            if cancel and WINDOW_START <= cancel < WINDOW_END and self.rng.random() < 0.2:
                customer.tickets += [_between(self.rng, cancel - timedelta(days=14), cancel)
                                     for _ in range(self.rng.randint(3, 5))]  # fmt: skip

    def planted_customers(self) -> None:
        rng = self.rng
        old = datetime(2024, 3, 1, tzinfo=UTC)
        # Cancelled exactly at a month start (UTC), written in a non-UTC offset: a closed window
        # counts them in the month that starts there.
        for month in rng.sample(MONTH_STARTS[1:6], 4):
            customer = self.customer(
                _between(rng, old, old + timedelta(days=200)), rng.choice((-300, 60, 540))
            )
            self.history(customer, [], month)
        # Started exactly at a month start: active from that month on, not in the one before.
        for month in rng.sample(MONTH_STARTS[1:6], 3):
            self.history(self.customer(month, rng.choice((-480, 330))), [], None)
        # Cancelled a few hours before a UTC month start, in an offset east of UTC (the local date
        # is already the next month), or a few hours after it, west of UTC (local date: before).
        for month in rng.sample(MONTH_STARTS[1:6], 4):
            if rng.random() < 0.5:
                cancel, offset = month - timedelta(hours=rng.randint(1, 4)), rng.choice((330, 540))
            else:
                cancel, offset = (
                    month + timedelta(hours=rng.randint(1, 4)),
                    rng.choice((-300, -480)),
                )
            customer = self.customer(_between(rng, old, old + timedelta(days=200)), offset)
            self.history(customer, [], cancel)
        # In the January cohort on one plan, changed plan during the window, then cancelled.
        for _ in range(5):
            customer = self.customer(_between(rng, old, old + timedelta(days=250)))
            change = _between(
                rng, WINDOW_START + timedelta(days=5), datetime(2025, 3, 31, tzinfo=UTC)
            )
            self.history(
                customer,
                [change],
                _between(rng, change + timedelta(days=10), WINDOW_END - timedelta(days=2)),
            )
        self.planted_tickets()

    def planted_tickets(self) -> None:
        """Cancellers whose ticket counts sit exactly on the spike definition's edges."""
        rng = self.rng
        day = timedelta(days=1)
        for pattern in ("edge_start", "at_cancel", "ratio", "edge_start", "earlier_edge"):
            customer = self.customer(
                _between(rng, datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 9, 1, tzinfo=UTC))
            )
            cancel = _between(rng, datetime(2025, 2, 1, tzinfo=UTC), WINDOW_END - day)
            self.history(customer, [], cancel)
            customer.quiet = (cancel - 40 * day, cancel + day)
            recent = [
                _between(rng, cancel - 13 * day, cancel - timedelta(hours=1)) for _ in range(2)
            ]
            if pattern == "edge_start":  # 3 recent (one exactly at the window start), 0 earlier
                customer.tickets += [*recent, cancel - 14 * day]
            elif pattern == "at_cancel":  # 2 recent and one at the cancellation moment: no spike
                customer.tickets += [*recent, cancel]
            elif pattern == "ratio":  # 3 recent, 2 earlier: recent < 2 x earlier, no spike
                customer.tickets += [*recent, cancel - 3 * day]
                customer.tickets += [
                    _between(rng, cancel - 27 * day, cancel - 15 * day) for _ in range(2)
                ]
            else:  # 5 recent, 3 earlier (one exactly at that window's start): no spike
                customer.tickets += [*recent, cancel - 2 * day, cancel - 5 * day, cancel - 6 * day]
                customer.tickets += [cancel - 28 * day] + [
                    _between(rng, cancel - 27 * day, cancel - 15 * day) for _ in range(2)
                ]

    # --- rendering ---------------------------------------------------------------------------
    def subscriptions(self) -> list[tuple]:
        rows = []
        for customer in self.customers:
            for plan, start, end, reason in customer.rows:
                rows.append((customer, plan, start, end, reason))
        rows.sort(key=lambda r: (r[2], r[0].id))
        return rows

    def payments(self, subscriptions: list[tuple]) -> list[list]:
        """[paid_at, customer, subscription_id, invoice_id, amount, status, original] rows."""
        rng, out, invoice = self.rng, [], 0
        for subscription_id, (customer, plan, start, end, _) in enumerate(subscriptions, 1):
            due = start
            stop = min(end or EXTRACT, EXTRACT)
            while due < stop:
                if due >= PAYMENTS_SINCE:
                    invoice += 1
                    name, amount = f"INV-{invoice:06d}", PLANS[plan]
                    paid = due + timedelta(minutes=rng.randint(0, 90))
                    if rng.random() < 0.04:  # declined, retried the next day
                        out.append([paid, customer, subscription_id, name, amount, "failed", None])
                        paid = paid + timedelta(days=1)
                    if paid < EXTRACT:
                        charge = [paid, customer, subscription_id, name, amount, "succeeded", None]
                        out.append(charge)
                        if self.duplicates and rng.random() < 0.025:
                            self.duplicate(out, charge)
                due += timedelta(days=30)
        return out

    def duplicate(self, out: list[list], charge: list) -> None:
        """The billing retry bug: the same successful charge recorded twice, seconds apart."""
        copy = list(charge)
        copy[0] = charge[0] + timedelta(seconds=self.rng.randint(2, 40))
        if copy[0].strftime("%Y-%m") == charge[0].strftime("%Y-%m"):
            copy[6] = charge
            out.append(copy)

    def refunds(self, charges: list[list]) -> list[tuple]:
        """(payment row, amount, refunded_at, reason): some refunded fully, some twice in part."""
        rng, out = self.rng, []
        originals = [c for c in charges if c[5] == "succeeded" and c[6] is None]
        in_window = [c for c in originals if WINDOW_START <= c[0] < WINDOW_END - timedelta(days=3)]
        twice = set(map(id, rng.sample(in_window, min(4, len(in_window)))))
        for charge in originals:
            if id(charge) not in twice and rng.random() >= 0.06:
                continue
            parts = 2 if id(charge) in twice or rng.random() < 0.35 else 1
            shares = [1.0] if parts == 1 else [rng.uniform(0.2, 0.45), rng.uniform(0.2, 0.45)]
            when = charge[0]
            for share in shares:
                when = when + timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 600))
                if when < EXTRACT:
                    reason = rng.choice(("requested", "service outage", "duplicate", None))
                    out.append((charge, round(charge[4] * share), when, reason))
        return out


def build(seed: int, *, duplicates: bool = True, customers: int | None = None) -> bytes:
    """The database of ``seed`` as SQLite file bytes."""
    builder = _Builder(seed, duplicates)
    builder.planted_customers()
    builder.random_customers(customers if customers is not None else builder.rng.randint(380, 460))
    rng = builder.rng
    # Background tickets, then ids in time order (as an application would have assigned them).
    for customer in builder.customers:
        start = max(customer.signup, PAYMENTS_SINCE)
        end = min(customer.cancelled_at or EXTRACT, EXTRACT)
        months = max((end - start).days / 30, 0)
        for _ in range(int(months * 0.45 + rng.random())):
            moment = _between(rng, start, end)
            quiet = customer.quiet
            if quiet is None or not quiet[0] <= moment < quiet[1]:
                customer.tickets.append(moment)
    order = sorted(builder.customers, key=lambda c: (c.signup, c.id))
    new_id = {c.id: index for index, c in enumerate(order, 1)}
    subscriptions = builder.subscriptions()
    charges = builder.payments(subscriptions)
    refunds = builder.refunds(charges)
    charges.sort(key=lambda c: (c[0], c[3]))
    payment_id = {id(c): index for index, c in enumerate(charges, 1)}
    tickets = sorted(
        ((t, c) for c in builder.customers for t in c.tickets if t < EXTRACT),
        key=lambda pair: (pair[0], pair[1].id),
    )

    connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    connection.executemany(
        "INSERT INTO customers VALUES (?, ?, ?)",
        [(new_id[c.id], stamp(c.signup, c.offset, rng), c.country) for c in order],
    )
    connection.executemany(
        "INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                new_id[c.id],
                plan,
                stamp(start, c.offset, rng),
                stamp(end, c.offset, rng) if end else None,
                reason,
            )
            for i, (c, plan, start, end, reason) in enumerate(subscriptions, 1)
        ],
    )
    connection.executemany(
        "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                payment_id[id(c)],
                c[3],
                new_id[c[1].id],
                c[2],
                c[4],
                c[5],
                stamp(c[0], c[1].offset, rng),
            )
            for c in charges
        ],
    )
    refunds.sort(key=lambda r: r[2])
    connection.executemany(
        "INSERT INTO refunds VALUES (?, ?, ?, ?, ?)",
        [
            (i, payment_id[id(charge)], amount, stamp(when, charge[1].offset, rng), reason)
            for i, (charge, amount, when, reason) in enumerate(refunds, 1)
        ],
    )
    connection.executemany(
        "INSERT INTO tickets VALUES (?, ?, ?, ?)",
        [
            (i, new_id[c.id], stamp(t, c.offset, rng), rng.choice(TOPICS))
            for i, (t, c) in enumerate(tickets, 1)
        ],
    )
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def open_copy(data: bytes) -> sqlite3.Connection:
    """A private, writable in-memory copy of database bytes."""
    connection = sqlite3.connect(":memory:")
    connection.deserialize(data)
    return connection


def with_defect(clean: bytes, defect: str, seed: int) -> bytes:
    """``clean`` with one broken promise of the brief (``defect`` is one of ``DEFECTS``)."""
    rng = random.Random(seed)
    db = open_copy(clean)
    pick = lambda sql: rng.choice(db.execute(sql).fetchall())  # noqa: E731
    if defect == "duplicate_charge":
        row = pick("SELECT * FROM payments WHERE status = 'succeeded'")
        paid = datetime.fromisoformat(row[6]) + timedelta(seconds=rng.randint(2, 40))
        db.execute(
            "INSERT INTO payments VALUES"
            " ((SELECT MAX(payment_id) + 1 FROM payments), ?, ?, ?, ?, ?, ?)",
            (*row[1:6], paid.isoformat(timespec="seconds")),
        )
    elif defect == "overlapping_subscriptions":
        row = pick("SELECT * FROM subscriptions WHERE ended_at IS NOT NULL")
        start = datetime.fromisoformat(row[3])
        end = datetime.fromisoformat(row[4])
        middle = start + (end - start) / 2
        db.execute(
            "INSERT INTO subscriptions VALUES"
            " ((SELECT MAX(subscription_id) + 1 FROM subscriptions), ?, ?, ?, ?, 'plan_change')",
            (
                row[1],
                rng.choice([p for p in PLANS if p != row[2]]),
                middle.isoformat(timespec="seconds"),
                (end + timedelta(days=20)).isoformat(timespec="seconds"),
            ),
        )
    elif defect == "refund_exceeds_payment":
        row = pick(
            "SELECT p.payment_id, p.amount_cents - COALESCE(SUM(r.amount_cents), 0), p.paid_at "
            "FROM payments p LEFT JOIN refunds r ON r.payment_id = p.payment_id "
            "WHERE p.status = 'succeeded' GROUP BY p.payment_id"
        )
        refunded = datetime.fromisoformat(row[2]) + timedelta(days=rng.randint(1, 9))
        db.execute(
            "INSERT INTO refunds VALUES"
            " ((SELECT COALESCE(MAX(refund_id), 0) + 1 FROM refunds), ?, ?, ?, 'requested')",
            (row[0], row[1] + rng.randint(1, 500), refunded.isoformat(timespec="seconds")),
        )
    elif defect == "orphan_customer_id":
        table = rng.choice(("subscriptions", "payments", "tickets"))
        missing = db.execute("SELECT MAX(customer_id) FROM customers").fetchone()[0] + rng.randint(
            1, 50
        )
        key = {
            "subscriptions": "subscription_id",
            "payments": "payment_id",
            "tickets": "ticket_id",
        }[table]
        victim = pick(f"SELECT {key} FROM {table}")[0]
        db.execute(f"UPDATE {table} SET customer_id = ? WHERE {key} = ?", (missing, victim))
    elif defect == "ends_before_start":
        row = pick(
            "SELECT subscription_id, started_at FROM subscriptions WHERE ended_at IS NOT NULL"
        )
        start = datetime.fromisoformat(row[1])
        ended = start - timedelta(days=rng.randint(1, 30))
        db.execute(
            "UPDATE subscriptions SET ended_at = ? WHERE subscription_id = ?",
            (ended.isoformat(timespec="seconds"), row[0]),
        )
    else:
        raise ValueError(f"unknown defect {defect!r}; one of {', '.join(DEFECTS)}")
    _renumber(db)
    db.commit()
    data = db.serialize()
    db.close()
    return data


# (table, key, time column, [(referencing table, column)]): ids are assigned in time order.
_KEYS = (
    ("subscriptions", "subscription_id", "started_at", [("payments", "subscription_id")]),
    ("payments", "payment_id", "paid_at", [("refunds", "payment_id")]),
    ("refunds", "refund_id", "refunded_at", []),
)


def _renumber(db: sqlite3.Connection) -> None:
    """Give every row the id it would have had, had it been generated (ids follow time), so a
    planted row is found by the promise it breaks, not by an id out of order."""
    for table, key, column, references in _KEYS:
        db.execute("DROP TABLE IF EXISTS temp.remap")
        db.execute(
            f"CREATE TEMP TABLE remap AS SELECT {key} AS old, ROW_NUMBER() OVER "
            f"(ORDER BY julianday({column}), {key}) AS new FROM {table}"
        )
        for other, foreign in references:
            db.execute(
                f"UPDATE {other} SET {foreign} = "
                f"(SELECT new FROM temp.remap WHERE old = {other}.{foreign})"
            )
        db.execute(f"UPDATE {table} SET {key} = -(SELECT new FROM temp.remap WHERE old = {key})")
        db.execute(f"UPDATE {table} SET {key} = -{key}")
    db.execute("DROP TABLE IF EXISTS temp.remap")

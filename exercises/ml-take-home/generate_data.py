"""Generate the churn data sets of the ml-take-home exercise, deterministically.

    python exercises/ml-take-home/generate_data.py          # rewrites the committed CSVs

It is also the exercise's variant generator (``variants:`` in exercise.yaml):
``variant_files(seed)`` makes one candidate's training file and holdout, generated the same way
from that seed, and ``expected_numbers(files)`` the numbers a candidate would report about them
(the baseline's validation scores, the churn rate). The platform calls both on the trusted side.

The training file is what the candidate gets; the holdout is a snapshot taken at prediction time
(``refund_issued`` is not known yet, so it is always 0) for customers generated the same way with
another seed, with a few more customers from the rare ``islands`` region.

Why ``refund_issued`` leaks: refunds are issued after a customer cancels, mostly to customers who
had complained (support tickets), stopped logging in or paid for premium. A model that learns from
it also learns that, among customers without a refund, complaining or inactive customers rarely
churn, which is false at prediction time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
TRAIN_PATH = HERE / "starter" / "data" / "train.csv"
HOLDOUT_PATH = HERE / "hidden" / "data" / "holdout.csv"

TRAIN_SEED = 20240601
HOLDOUT_SEED = 20240901
TRAIN_ROWS = 5000
HOLDOUT_ROWS = 3000
SNAPSHOT = pd.Timestamp("2024-07-01")

COLUMNS = [
    "customer_id",
    "signup_date",
    "plan",
    "region",
    "tenure_months",
    "monthly_charges",
    "support_tickets_90d",
    "last_login_days",
    "autopay",
    "discount_applied",
    "refund_issued",
    "churned",
]
PLANS = ["basic", "standard", "premium"]
PLAN_PROBS = [0.45, 0.35, 0.20]
PLAN_PRICE = {"basic": 29.0, "standard": 49.0, "premium": 79.0}
PLAN_EFFECT = {"basic": 0.35, "standard": 0.0, "premium": -0.45}
REGION_EFFECT = {"north": -0.1, "south": 0.15, "east": 0.0, "west": -0.05, "islands": 0.6}
INTERCEPT = -2.45


def _regions(rng: np.random.Generator, n: int, islands_share: float) -> np.ndarray:
    main = (1.0 - islands_share) / 4
    return rng.choice(
        ["north", "south", "east", "west", "islands"], size=n, p=[main] * 4 + [islands_share]
    )


def generate(seed: int | list[int], rows: int, *, holdout: bool, id_offset: int) -> pd.DataFrame:
    """One customer table; ``holdout=True`` makes the prediction-time snapshot."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(PLANS, size=rows, p=PLAN_PROBS)
    region = _regions(rng, rows, islands_share=0.06 if holdout else 0.012)
    tenure = np.minimum(rng.geometric(1 / 16, size=rows), 42)
    signup = SNAPSHOT - pd.to_timedelta(tenure * 30 + rng.integers(0, 30, size=rows), unit="D")
    charges = np.array([PLAN_PRICE[p] for p in plan]) + rng.normal(0, 6, size=rows)
    charges = np.round(np.clip(charges, 9.0, None), 2)
    tickets = rng.poisson(0.4 + 0.5 * (plan == "basic") + 1.2 * rng.beta(1, 4, size=rows) * 3)
    engaged = rng.normal(0, 1, size=rows)
    last_login = np.round(np.exp(1.6 - 0.7 * engaged + rng.normal(0, 0.6, size=rows)))
    autopay = rng.random(rows) < 0.55 + 0.15 * (plan == "premium")
    discount = (rng.random(rows) < 0.2).astype(int)

    logit = (
        INTERCEPT
        + np.array([PLAN_EFFECT[p] for p in plan])
        + np.array([REGION_EFFECT[r] for r in region])
        - 0.55 * np.log1p(tenure)
        + 0.018 * (charges - np.array([PLAN_PRICE[p] for p in plan]))
        + 0.55 * tickets
        + 0.75 * np.log1p(last_login)
        - 0.6 * autopay
        - 0.35 * discount
        + 0.5 * (tickets >= 3) * (plan == "basic")
    )
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)

    # Filled in after cancellation: mostly for complaining, inactive or premium customers.
    refund_logit = -7.5 + 2.6 * tickets + 1.7 * np.log1p(last_login) + 1.5 * (plan == "premium")
    refund = churned * (rng.random(rows) < 1 / (1 + np.exp(-refund_logit)))
    refund = np.maximum(refund, (rng.random(rows) < 0.01).astype(int) * (1 - churned))
    if holdout:
        refund = np.zeros(rows, dtype=int)

    frame = pd.DataFrame(
        {
            "customer_id": [f"C{id_offset + i:06d}" for i in range(rows)],
            "signup_date": signup.strftime("%Y-%m-%d"),
            "plan": plan,
            "region": region,
            "tenure_months": tenure,
            "monthly_charges": charges,
            "support_tickets_90d": tickets,
            "last_login_days": last_login.astype(int),
            "autopay": np.where(autopay, "yes", "no"),
            "discount_applied": discount,
            "refund_issued": refund.astype(int),
            "churned": churned,
        }
    )
    # Missing at random-ish: billing export gaps and customers who never logged in on the new app.
    frame["monthly_charges"] = frame["monthly_charges"].mask(rng.random(rows) < 0.03)
    frame["last_login_days"] = (
        frame["last_login_days"].astype("Int64").mask(rng.random(rows) < 0.08)
    )
    return frame[COLUMNS]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The exact bytes committed: fixed float format and line endings, so regeneration is stable."""
    return frame.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode()


def build() -> dict[Path, bytes]:
    train = generate(TRAIN_SEED, TRAIN_ROWS, holdout=False, id_offset=100000)
    holdout = generate(HOLDOUT_SEED, HOLDOUT_ROWS, holdout=True, id_offset=500000)
    return {TRAIN_PATH: to_csv_bytes(train), HOLDOUT_PATH: to_csv_bytes(holdout)}


def variant_files(seed: int) -> dict[str, bytes]:
    """One candidate's variant: same columns, sizes and data-generating process, other rows."""
    train = generate([TRAIN_SEED, seed], TRAIN_ROWS, holdout=False, id_offset=100000)
    holdout = generate([HOLDOUT_SEED, seed], HOLDOUT_ROWS, holdout=True, id_offset=500000)
    return {
        "starter/data/train.csv": to_csv_bytes(train),
        "hidden/data/holdout.csv": to_csv_bytes(holdout),
    }


def expected_numbers(files: dict[str, bytes]) -> dict[str, float]:
    """What `python baseline.py` prints for this variant, and its churn rate: the numbers that
    differ per candidate and that a Summary copied from another candidate would carry."""
    import importlib.util
    import io

    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    spec = importlib.util.spec_from_file_location(
        "ml_take_home_baseline", HERE / "starter" / "baseline.py"
    )
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)
    data = pd.read_csv(io.BytesIO(files["starter/data/train.csv"]))
    X, y = data.drop(columns="churned"), data["churned"]
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scores = baseline.build_baseline().fit(X_train, y_train).predict_proba(X_valid)[:, 1]
    return {
        "baseline validation ROC AUC": float(roc_auc_score(y_valid, scores)),
        "baseline validation average precision": float(average_precision_score(y_valid, scores)),
        "churn rate of the training file": float(y.mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args()
    stale = []
    for path, content in build().items():
        if args.check:
            if not path.exists() or path.read_bytes() != content:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            print(f"wrote {path} ({len(content):,} bytes)")
    if stale:
        raise SystemExit("out of date, run generate_data.py: " + ", ".join(stale))


if __name__ == "__main__":
    main()

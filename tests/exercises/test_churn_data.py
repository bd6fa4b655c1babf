"""The churn data generator of ml-take-home: deterministic, and the data has the promised shape."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.exercises.exercise_folders import EXERCISES, load_script

COLUMNS = [
    "customer_id", "signup_date", "plan", "region", "tenure_months", "monthly_charges",
    "support_tickets_90d", "last_login_days", "autopay", "discount_applied", "refund_issued",
    "churned",
]  # fmt: skip


@pytest.fixture(scope="module")
def generator():
    return load_script("ml-take-home", "generate_data")


@pytest.fixture(scope="module")
def built(generator) -> dict:
    return generator.build()


@pytest.fixture(scope="module")
def train(generator) -> pd.DataFrame:
    return pd.read_csv(generator.TRAIN_PATH)


@pytest.fixture(scope="module")
def holdout(generator) -> pd.DataFrame:
    return pd.read_csv(generator.HOLDOUT_PATH)


def test_regenerating_gives_the_committed_files_byte_for_byte(generator, built):
    assert set(built) == {generator.TRAIN_PATH, generator.HOLDOUT_PATH}
    for path, content in built.items():
        assert path.read_bytes() == content, f"{path} differs from what generate_data.py produces"


def test_generation_is_deterministic(generator, built):
    again = generator.build()
    assert again == built, "two runs of the generator gave different bytes"


def test_columns_and_sizes(train, holdout):
    assert list(train.columns) == COLUMNS
    assert list(holdout.columns) == COLUMNS
    assert len(train) == 5000
    assert 2000 <= len(holdout) <= 5000
    assert train["customer_id"].is_unique and holdout["customer_id"].is_unique
    assert not set(train["customer_id"]) & set(holdout["customer_id"]), "ids shared across sets"


def test_categories(train, holdout):
    assert set(train["plan"]) == {"basic", "standard", "premium"}
    assert set(train["region"]) == {"north", "south", "east", "west", "islands"}
    assert set(train["autopay"]) == {"yes", "no"}
    islands_train = (train["region"] == "islands").mean()
    islands_holdout = (holdout["region"] == "islands").mean()
    assert 0.003 < islands_train < 0.03, "islands must be rare in train"
    assert islands_holdout > 2 * islands_train, "islands must be more common in the holdout"


@pytest.mark.parametrize(
    ("column", "low", "high"),
    [("monthly_charges", 0.02, 0.04), ("last_login_days", 0.065, 0.095)],
)
def test_missing_rates(train, holdout, column, low, high):
    for name, frame in (("train", train), ("holdout", holdout)):
        rate = frame[column].isna().mean()
        assert low <= rate <= high, f"{name}.{column} missing rate {rate:.3f}"
    other = train.drop(columns=["monthly_charges", "last_login_days"])
    assert not other.isna().any().any(), "only the two documented columns may have gaps"


def test_positive_rate_is_about_18_percent(train, holdout):
    for name, frame in (("train", train), ("holdout", holdout)):
        rate = frame["churned"].mean()
        assert 0.15 <= rate <= 0.21, f"{name} churn rate {rate:.3f}"


def test_refund_issued_leaks_in_train_and_is_zero_in_holdout(train, holdout):
    by_label = train.groupby("churned")["refund_issued"].mean()
    assert by_label[1] > 0.5 and by_label[0] < 0.03, f"refund rates by label: {by_label.to_dict()}"
    assert (holdout["refund_issued"] == 0).all(), "holdout is a prediction-time snapshot"


def test_baseline_prints_the_generators_expected_numbers_and_the_brief_states_none(
    capsys, generator
):
    """Every candidate's numbers differ, so the brief and the docstring give none; what
    baseline.py prints is what the variant-numbers flag compares reported numbers with."""
    baseline = load_script("ml-take-home", "starter/baseline")
    baseline.main()
    printed = capsys.readouterr().out.strip()
    files = {
        "starter/data/train.csv": generator.TRAIN_PATH.read_bytes(),
        "hidden/data/holdout.csv": generator.HOLDOUT_PATH.read_bytes(),
    }
    numbers = generator.expected_numbers(files)
    auc = numbers["baseline validation ROC AUC"]
    ap = numbers["baseline validation average precision"]
    assert printed == f"validation ROC AUC {auc:.3f} (average precision {ap:.3f})"
    brief = (EXERCISES / "ml-take-home" / "README.md").read_text(encoding="utf-8")
    assert f"{auc:.3f}" not in brief and f"{auc:.3f}" not in baseline.__doc__


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_variant_keeps_the_schema_sizes_and_the_leak(generator, seed):
    files = generator.variant_files(seed)
    assert set(files) == {"starter/data/train.csv", "hidden/data/holdout.csv"}
    train = pd.read_csv(io.BytesIO(files["starter/data/train.csv"]))
    holdout = pd.read_csv(io.BytesIO(files["hidden/data/holdout.csv"]))
    assert list(train.columns) == list(holdout.columns) == COLUMNS
    assert (len(train), len(holdout)) == (generator.TRAIN_ROWS, generator.HOLDOUT_ROWS)
    assert not set(train["customer_id"]) & set(holdout["customer_id"])
    assert files["starter/data/train.csv"] != generator.TRAIN_PATH.read_bytes()
    assert generator.variant_files(seed) == files, "a variant is a function of its seed"
    for frame in (train, holdout):
        assert 0.15 <= frame["churned"].mean() <= 0.21
    by_label = train.groupby("churned")["refund_issued"].mean()
    assert by_label[1] > 0.5 and by_label[0] < 0.03
    assert (holdout["refund_issued"] == 0).all()

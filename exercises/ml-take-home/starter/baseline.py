"""Baseline churn model: logistic regression on two numeric columns.

    python baseline.py

Fits on 75% of data/train.csv and reports ROC AUC on the other 25% (stratified, seed 0).
It prints its validation ROC AUC and average precision on your copy of the data (every
candidate's data set is generated for them, so the numbers differ slightly between candidates).
Your pipeline should clearly beat it; the grader compares both on a hidden holdout set.
"""

from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

BASELINE_COLUMNS = ["tenure_months", "monthly_charges"]


def build_baseline() -> Pipeline:
    """An unfitted pipeline that takes the raw feature columns and uses two of them."""
    select = ColumnTransformer(
        [("numeric", SimpleImputer(strategy="median"), BASELINE_COLUMNS)], remainder="drop"
    )
    return Pipeline([("select", select), ("model", LogisticRegression())])


def main() -> None:
    data = pd.read_csv(Path(__file__).resolve().parent / "data" / "train.csv")
    X, y = data.drop(columns="churned"), data["churned"]
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = build_baseline().fit(X_train, y_train)
    scores = model.predict_proba(X_valid)[:, 1]
    print(
        f"validation ROC AUC {roc_auc_score(y_valid, scores):.3f} "
        f"(average precision {average_precision_score(y_valid, scores):.3f})"
    )


if __name__ == "__main__":
    main()

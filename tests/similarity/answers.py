"""Known answers for the similarity check: ml-take-home solutions written three ways.

`ORIGINAL` and `INDEPENDENT` were written separately, to the same contract; `DISGUISED` is
`ORIGINAL` copied with every variable renamed, comments rewritten, code reformatted and a few
literal values changed (what a copier does to hide a copy).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

STARTER = Path(__file__).parents[2] / "exercises" / "ml-take-home" / "starter" / "churn.ipynb"

ORIGINAL = [
    ("code", """import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SEED = 42
NUMERIC = ["tenure_months", "monthly_fee", "support_tickets"]
CATEGORICAL = ["plan", "region"]
"""),
    ("code", """def load_data(path):
    # read everything, keep every row
    frame = pd.read_csv(path)
    missing = [c for c in NUMERIC + CATEGORICAL if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    return frame
"""),
    ("code", """def build_pipeline():
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    features = ColumnTransformer(
        [("num", numeric, NUMERIC), ("cat", categorical, CATEGORICAL)], remainder="drop"
    )
    return make_pipeline(features, LogisticRegression(max_iter=1000, class_weight="balanced"))


def evaluate(model, X, y):
    scores = model.predict_proba(X)[:, 1]
    return {"roc_auc": roc_auc_score(y, scores), "pr_auc": average_precision_score(y, scores)}
"""),
    ("code", """def test_load_keeps_rows(tmp="data/train.csv"):
    frame = load_data(tmp)
    assert len(frame) == len(pd.read_csv(tmp)), "rows were dropped"


def test_pipeline_ignores_unknown_plan():
    frame = load_data("data/train.csv")
    X = frame.drop(columns="churned")
    model = build_pipeline().fit(X, frame["churned"])
    odd = X.head(3).copy()
    odd["plan"] = "never-seen"
    assert model.predict_proba(odd).shape == (3, 2)
"""),
    ("markdown", """## Summary

I dropped the refund column because it is only known after the customer churned, which leaks
the label. Logistic regression with balanced class weights reaches a ROC AUC of 0.81 against the
baseline's 0.72 on the validation split; next I would try gradient boosting and calibrate the
probabilities before choosing a threshold with the retention team.
"""),
]

DISGUISED = [
    ("code", """import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
RANDOM_STATE = 7
NUM_COLS = ['tenure_months', 'monthly_fee', 'support_tickets']
CAT_COLS = ['plan', 'region']
"""),
    ("code", """def load_data(csv_file):
    \"\"\"Load the customers.\"\"\"
    df = pd.read_csv(csv_file)
    absent = [col for col in NUM_COLS + CAT_COLS if col not in df.columns]
    if absent:
        raise ValueError('columns not found: %s' % absent)
    return df
"""),
    ("code", """def build_pipeline():
    num_steps = make_pipeline(SimpleImputer(strategy='mean'),
                              StandardScaler())
    cat_steps = make_pipeline(SimpleImputer(strategy='most_frequent'),
                              OneHotEncoder(handle_unknown='ignore'))
    prep = ColumnTransformer([('n', num_steps, NUM_COLS),
                              ('c', cat_steps, CAT_COLS)],
                             remainder='drop')
    return make_pipeline(prep,
                         LogisticRegression(max_iter=500, class_weight='balanced'))

def evaluate(clf, features, labels):
    # probability of churn
    p = clf.predict_proba(features)[:, 1]
    return {'roc_auc': roc_auc_score(labels, p), 'pr_auc': average_precision_score(labels, p)}
"""),
    ("code", """def test_load_keeps_rows(f='data/train.csv'):
    d = load_data(f); assert len(d) == len(pd.read_csv(f)), 'lost rows'

def test_pipeline_ignores_unknown_plan():
    d = load_data('data/train.csv')
    feats = d.drop(columns='churned')
    m = build_pipeline().fit(feats, d['churned'])
    weird = feats.head(5).copy()
    weird['plan'] = 'brand-new'
    assert m.predict_proba(weird).shape == (5, 2)
"""),
    ("markdown", """## Summary

I dropped the refund column because it is only known after the customer churned, which leaks
the label. Logistic regression with balanced class weights reaches a ROC AUC of 0.80 against the
baseline's 0.72 on the validation split; next I would try gradient boosting and calibrate the
probabilities before choosing a threshold with the retention team.
"""),
]

INDEPENDENT = [
    ("code", """import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

LEAKY = ("refund_issued", "customer_id")
"""),
    ("code", """def load_data(path):
    data = pd.read_csv(path, dtype={"plan": "category", "region": "category"})
    assert not data.empty, "empty file"
    return data
"""),
    ("code", """def _prepare(frame):
    kept = frame.drop(columns=[c for c in LEAKY if c in frame], errors="ignore").copy()
    for name in kept.select_dtypes(include="object"):
        kept[name] = kept[name].astype("category")
    return kept


def build_pipeline():
    return Pipeline(
        steps=[
            ("prepare", FunctionTransformer(_prepare)),
            ("boost", HistGradientBoostingClassifier(categorical_features="from_dtype",
                                                     learning_rate=0.05, random_state=0)),
        ]
    )


def evaluate(model, X, y):
    probability = model.predict_proba(X)[:, 1]
    precision, recall, cut = precision_recall_curve(y, probability)
    best = np.argmax(2 * precision * recall / np.maximum(precision + recall, 1e-9))
    chosen = cut[min(best, len(cut) - 1)]
    return {
        "roc_auc": float(roc_auc_score(y, probability)),
        "f1_at_best_threshold": float(f1_score(y, probability >= chosen)),
        "threshold": float(chosen),
    }
"""),
    ("code", """def test_no_leaky_column_reaches_the_model():
    sample = load_data("data/train.csv").head(50)
    assert not set(LEAKY) & set(_prepare(sample).columns)


def test_scores_are_probabilities():
    sample = load_data("data/train.csv")
    fitted = build_pipeline().fit(sample.drop(columns="churned"), sample["churned"])
    values = fitted.predict_proba(sample.drop(columns="churned").head(20))
    assert ((values >= 0) & (values <= 1)).all()
"""),
    ("markdown", """## Summary

Gradient boosting on the raw columns, without the customer id and the refund flag (it is set
after cancellation). ROC AUC 0.84 on a held-out quarter, baseline 0.72. The F1-optimal cut-off is
reported with the metrics; the business should pick the operating point from the cost of a call.
"""),
]


def notebook(cells: list[tuple[str, str]], with_starter: bool = True) -> bytes:
    """A notebook of the starter's cells (as every candidate downloads it) followed by `cells`."""
    nb = nbformat.read(str(STARTER), as_version=4) if with_starter else nbformat.v4.new_notebook()
    for kind, source in cells:
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source))
    return nbformat.writes(nb).encode()


def starter() -> bytes:
    return STARTER.read_bytes()

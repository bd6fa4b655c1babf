"""Cross-check probes (exercises/README.md, "Phase 1 is cross-checked"): public, like the brief.

After the notebook ran, phase 1 calls the graded functions on inputs drawn from a seed it reveals
only then, inside the kernel; phase 2 asks the same in fresh candidate processes. Functions that
answer differently fail every test of the probe's groups (a grader_detection red flag).
"""

STARTER_FILES = ["data/train.csv"]
_EVERY_GRADED_GROUP = [
    "beats_baseline",
    "no_leakage",
    "imbalance_metrics",
    "robust_preprocessing",
    "reproducible",
    "candidate_tests",
    "summary",
]
PROBES = {
    "load_data": {
        "groups": ["robust_preprocessing", "candidate_tests", "no_leakage", "summary"],
        "code": """
with open(PATH, "w") as _hl_file:
    _hl_file.write(CSV)
_hl_frame = load_data(PATH)
result = {
    "shape": list(_hl_frame.shape),
    "columns": [str(c) for c in _hl_frame.columns],
    "cells": _hl_frame.astype(str).values.tolist(),
}
""",
    },
    "pipeline": {
        "groups": _EVERY_GRADED_GROUP,
        "code": """
_hl_model = build_pipeline()
_hl_model.fit(X_fit, y_fit)
result = [float(v) for v in _hl_model.predict_proba(X_probe)[:, -1]]
""",
    },
    "evaluate": {
        "groups": ["imbalance_metrics", "summary", "candidate_tests"],
        "code": """
import numpy as _hl_numpy


class _HLScores:
    classes_ = _hl_numpy.array([0, 1])

    def predict_proba(self, X):
        chosen = _hl_numpy.asarray(SCORES, dtype=float)[: len(X)]
        return _hl_numpy.column_stack([1 - chosen, chosen])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


result = evaluate(_HLScores(), X_probe, y_probe)
""",
    },
}


def inputs(starter, seed):
    """{probe: its inputs}, the same in both phases for the same seed and starter bytes."""
    import io

    import numpy as np
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(starter["data/train.csv"]))
    rng = np.random.default_rng([seed, 12])
    rows = rng.permutation(len(frame))
    fit = frame.iloc[np.sort(rows[:1200])].reset_index(drop=True)
    probe = frame.iloc[np.sort(rows[1200:1500])].reset_index(drop=True)
    sample = frame.iloc[np.sort(rows[1500:1700])]
    features = probe.drop(columns="churned")
    scores = np.clip(probe["churned"] * 0.35 + rng.uniform(0, 0.65, len(probe)), 0, 1)
    return {
        "load_data": {
            "PATH": f"data/customers_{seed % 9973}.csv",
            "CSV": sample.to_csv(index=False),
        },
        "pipeline": {
            "X_fit": fit.drop(columns="churned"),
            "y_fit": fit["churned"],
            "X_probe": features,
        },
        "evaluate": {"X_probe": features, "y_probe": probe["churned"], "SCORES": scores.tolist()},
    }

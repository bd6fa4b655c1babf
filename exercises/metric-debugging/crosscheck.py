"""Cross-check probes (exercises/README.md, "Phase 1 is cross-checked"): public, like the brief.

After the notebook ran, phase 1 calls the graded functions on inputs drawn from a seed it reveals
only then, inside the kernel; phase 2 asks the same in fresh candidate processes. Functions that
answer differently fail every test of the probe's groups (a grader_detection red flag).
"""

STARTER_FILES = []
PROBES = {
    "compute_metrics": {
        "groups": ["metrics_match_sklearn", "edge_cases"],
        "code": """
result = [compute_metrics(y_true, y_score, threshold=t) for y_true, y_score, t in CASES]
""",
    },
    "time_split": {
        "groups": ["split_invariants", "edge_cases"],
        "code": """
result = []
for _hl_frame, _hl_cutoff in FRAMES:
    _hl_train, _hl_test = time_split(_hl_frame, _hl_cutoff)
    result.append([_hl_side.astype(str).values.tolist() for _hl_side in (_hl_train, _hl_test)])
""",
    },
}


def inputs(starter, seed):
    """{probe: its inputs}, the same in both phases for the same seed."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, 7])
    cases = []
    for _ in range(6):
        size = int(rng.integers(20, 200))
        y_true = rng.integers(0, 2, size).tolist()
        y_score = rng.uniform(0, 1, size).round(4).tolist()
        cases.append((y_true, y_score, float(rng.choice([0.3, 0.5, 0.7]))))
    frames = []
    for _ in range(4):
        rows = int(rng.integers(10, 80))
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
        dates = start + pd.to_timedelta(rng.integers(0, 20, rows), unit="D")
        frame = pd.DataFrame(
            {
                "row_id": rng.permutation(rows) + 1000,
                "date": dates.strftime("%Y-%m-%d"),
                "value": rng.normal(size=rows).round(3),
                "label": rng.integers(0, 2, rows),
            }
        )
        cutoff = pd.Timestamp(rng.choice(pd.to_datetime(frame["date"]).to_numpy()))
        frames.append((frame, cutoff.strftime("%Y-%m-%d")))
    return {"compute_metrics": {"CASES": cases}, "time_split": {"FRAMES": frames}}

"""Time the similarity check of one new submission against N stored submissions of an exercise.

    .venv/bin/python bench/similarity/run.py --backend sqlite [--submissions 10000]
    .venv/bin/python bench/similarity/run.py --backend postgres   # needs `make postgres`

Fills a fresh database with N candidates, each with one graded ml-take-home submission whose
fingerprints are real: the starter notebook plus answer cells generated from a vocabulary of
pandas/scikit-learn statements (so common idioms recur across submissions, as they do), stored
exactly as the grading hook stores them. Then times `check_graded_run` (fingerprint the new
notebook, store it, find and store its matches) for a disguised copy of one stored answer,
rolled back after each repeat. Prints a Markdown row and writes results-<backend>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.extensions import db  # noqa: E402
from app.grading import operations as grading  # noqa: E402
from app.models import (  # noqa: E402
    Application,
    Assignment,
    Candidate,
    GradingRun,
    Role,
    SimilarityMatch,
    Submission,
    SubmissionFingerprint,
    User,
    now_utc,
)
from app.pipeline import operations as pipeline  # noqa: E402
from app.similarity import base_code, operations  # noqa: E402
from app.similarity.fingerprints import KINDS, fingerprints  # noqa: E402
from bench.database import add_arguments, bench_app  # noqa: E402
from tests.similarity.answers import DISGUISED, INDEPENDENT, ORIGINAL, notebook  # noqa: E402

EXERCISE = "ml-take-home"
BATCH = 2_000
FRAMES = ["df", "data", "frame", "train", "X", "X_train", "features", "clean"]
STATEMENTS = [
    "{a} = {b}.dropna(subset=[{s}])",
    "{a} = {b}.drop(columns=[{s}, {s}])",
    "{a} = {b}.fillna({b}.median(numeric_only=True))",
    "{a}[{s}] = {a}[{s}].astype('category')",
    "{a} = pd.get_dummies({b}, columns=[{s}], drop_first=True)",
    "{a} = {b}[{b}[{s}] > {n}]",
    "{a} = {b}.groupby({s})[{s}].mean().reset_index()",
    "print({a}.describe())",
    "print({a}.isna().mean().sort_values(ascending=False).head({n}))",
    "{a} = train_test_split({b}, test_size={f}, random_state={n})",
    "{a} = make_pipeline(StandardScaler(), LogisticRegression(C={f}, max_iter={n}))",
    "{a} = {b}.fit({c}, {c}[{s}])",
    "{a} = roc_auc_score({b}, {c}.predict_proba({b})[:, 1])",
    "{a} = ColumnTransformer([({s}, OneHotEncoder(handle_unknown='ignore'), [{s}])])",
    "for {a} in [{s}, {s}]:\n    print({a}, {b}[{a}].nunique())",
    "if {a}.shape[0] < {n}:\n    raise ValueError({s})",
    "def {a}_{n}({b}):\n    return {b}.select_dtypes(include='number').columns.tolist()",
    "assert {a}.notna().all().all(), {s}",
    "{a} = f1_score({b}, {c} >= {f})",
    "{a} = SimpleImputer(strategy={s}).fit_transform({b})",
]


def generated_answer(rng: random.Random) -> list[tuple[str, str]]:
    """Six code cells of random statements and a markdown summary."""

    def statement() -> str:
        return rng.choice(STATEMENTS).format_map(
            {
                "a": rng.choice(FRAMES),
                "b": rng.choice(FRAMES),
                "c": rng.choice(FRAMES),
                "s": repr(rng.choice(["plan", "region", "churned", "tenure", "fee"])),
                "n": rng.randint(1, 500),
                "f": round(rng.random(), 2),
            }
        )

    cells = [("code", "\n".join(statement() for _ in range(rng.randint(4, 9)))) for _ in range(6)]
    words = ["churn", "model", "baseline", "recall", "precision", "threshold"]
    words += ["leakage", "feature", "plan", "region"]
    cells.append(("markdown", "## Summary\n" + " ".join(rng.choices(words, k=80))))
    return cells


def fill(count: int, seed: int) -> None:
    rng = random.Random(seed)
    recruiter = User(email="bench@hirelab.example", name="Bench Recruiter", role=Role.RECRUITER)
    db.session.add(recruiter)
    job = pipeline.create_job("Bench job", recruiter)
    db.session.commit()
    stage_id, now = job.stages[2].id, now_utc()
    base = base_code.exercise_base(EXERCISE)
    answers = [ORIGINAL, INDEPENDENT]
    for start in range(1, count + 1, BATCH):
        ids = range(start, min(count, start + BATCH - 1) + 1)
        rows = {"candidates": [], "applications": [], "assignments": [], "submissions": []}
        prints = []
        for i in ids:
            # the answer cells only: the starter's cells are all base code, removed anyway
            cells = answers[i - 1] if i <= len(answers) else generated_answer(rng)
            rows["candidates"].append(
                {"id": i, "name": f"C{i}", "email": f"c{i}@bench.example", "source": "other"}
            )
            rows["applications"].append(
                {"id": i, "candidate_id": i, "job_id": job.id, "stage_id": stage_id}
            )
            rows["assignments"].append(
                {
                    "id": i,
                    "application_id": i,
                    "exercise_slug": EXERCISE,
                    "time_budget_minutes": 120,
                    "open_by": now,
                    "opened_at": now,
                    "deadline_at": now + timedelta(hours=2),
                }
            )
            rows["submissions"].append(
                {
                    "id": i,
                    "assignment_id": i,
                    "filename": "a.ipynb",
                    "notebook": b"{}",
                    "sha256": f"{i:064d}",
                    "size_bytes": 2,
                    "submitted_at": now,
                }
            )
            prints.extend(
                {
                    "submission_id": i,
                    "exercise_slug": EXERCISE,
                    "kind": kind,
                    "hash": p.hash,
                    "cell": p.cell,
                    "position": p.start,
                }
                for kind in KINDS
                for p in fingerprints(cells, kind)
                if p.hash not in base[kind]
            )
        for model, key in (
            (Candidate, "candidates"),
            (Application, "applications"),
            (Assignment, "assignments"),
            (Submission, "submissions"),
        ):
            db.session.execute(sa.insert(model), rows[key])
        db.session.execute(sa.insert(SubmissionFingerprint), prints)
        db.session.commit()
        print(f"  {ids[-1]:,} submissions stored", file=sys.stderr)
    if db.engine.dialect.name == "postgresql":
        for table in ("candidates", "applications", "assignments", "submissions"):
            serial = f"pg_get_serial_sequence('{table}', 'id')"
            db.session.execute(sa.text(f"SELECT setval({serial}, (SELECT max(id) FROM {table}))"))
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def time_check(data: bytes, repeat: int) -> dict[str, object]:
    """A new candidate uploads `data`; time `check_graded_run` on it, rolled back each time."""
    job_id, stage_id = db.session.execute(
        sa.select(Application.job_id, Application.stage_id).limit(1)
    ).one()
    candidate = Candidate(name="New", email=f"new-{time.monotonic_ns()}@bench.example")
    application = Application(candidate=candidate, job_id=job_id, stage_id=stage_id)
    db.session.add_all([candidate, application])
    db.session.flush()
    assignment = grading.assign_exercise(application, EXERCISE, 120, None, timedelta(days=1))
    grading.open_assignment(assignment)
    run_id = grading.submit(assignment, "new.ipynb", data, 1, 10**6).id
    db.session.commit()
    samples, best = [], "none"
    for _ in range(repeat):
        begin = time.perf_counter()
        matches = operations.check_graded_run(run_id)
        db.session.flush()
        samples.append((time.perf_counter() - begin) * 1000)
        if matches:
            top = max(matches, key=lambda m: m.code_score)
            best = f"{len(matches)} kept; best {top.other_submission_id} at {top.code_score:.2f}"
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SimilarityMatch)) == 0
    assert db.session.get(GradingRun, run_id) is not None
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "best_match": best,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, "similarity")
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    # Its own database: it used to share bench/funnel's, and each dropped the other's data.
    app, fresh = bench_app(args, "hirelab_bench_similarity")
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            fill(args.submissions, seed=2026)
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionFingerprint))
        probes = {
            "disguised copy of stored submission 1": notebook(DISGUISED),
            # the worst case: shares common idioms with most of the stored pool
            "new generated answer (idioms shared with the pool)": notebook(
                generated_answer(random.Random(1))
            ),
        }
        load_before = os.getloadavg()[0]
        results = {name: time_check(data, args.repeat) for name, data in probes.items()}
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))
    report = {
        "backend": args.backend,
        "stored_submissions": args.submissions,
        "stored_fingerprints": stored,
        "repeat": args.repeat,
        "probes": results,
        "load_average_1min_before_after": load,
        "cpus": os.cpu_count(),
    }
    Path(__file__).with_name(f"results-{args.backend}.json").write_text(
        json.dumps(report, indent=2) + "\n"
    )
    for name, figures in results.items():
        print(
            f"| {args.backend} | {name} | {args.submissions:,} | {stored:,} | "
            f"{figures['p50_ms']} ms | {figures['max_ms']} ms | {figures['best_match']} | "
            f"{load[0]} → {load[1]} |"
        )


if __name__ == "__main__":
    main()

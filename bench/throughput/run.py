"""Grading throughput: submissions graded per minute with 1, 2 and 4 worker processes, against
bare execution of the same notebook (bench/grading_overhead's bare run), measured in one run.

    .venv/bin/python bench/throughput/run.py [--submissions 8] [--workers 1 2 4]
                                             [--exercise exercises/ml-take-home]

Each configuration gets a fresh PostgreSQL database and Redis queue (the production setup), N
copies of the reference notebook submitted and queued, then K `flask worker` processes (one
grading thread each). Throughput counts from the first claim to the last stored result, so worker
start-up is excluded. Bare runs (sequential, no queue, no database, no container) are interleaved
before and after the worker runs, and a few direct sandbox gradings give the timing breakdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from app.grading.exercises import parse_exercise  # noqa: E402
from bench.distributed import services  # noqa: E402
from bench.grading_overhead.run import bare_once, docker_once  # noqa: E402


def seed_and_queue(database_url: str, queue_url: str, exercise, notebook: bytes, count: int):
    from app import create_app
    from app.extensions import db
    from app.grading import operations as grading
    from app.pipeline import operations as pipeline

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "QUEUE_URL": queue_url,
            "SECRET_KEY": services.SECRET_KEY,
            "EXERCISES_DIR": exercise.folder.parent,
        }
    )
    with app.app_context():
        db.create_all()
        job = pipeline.create_job("Throughput bench", None)
        run_ids = []
        for n in range(count):
            candidate = pipeline.add_candidate(f"C {n}", f"c{n}@bench.example", "other")
            application = pipeline.apply(candidate, job, None)
            assignment = grading.assign_exercise(
                application, exercise.id, 600, None, timedelta(days=1)
            )
            grading.open_assignment(assignment)
            run = grading.submit(assignment, exercise.notebook, notebook, exercise.version, 10**7)
            run_ids.append(run.id)
        db.session.commit()
        queue = app.extensions["grading_queue"]
        for run_id in run_ids:
            queue.enqueue(run_id)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def measure_workers(exercise, notebook: bytes, count: int, workers: int, logs: Path) -> dict:
    import sqlalchemy as sa

    database_url = services.fresh_postgres("hirelab_throughput")
    queue_url = services.fresh_redis(6)
    seed_and_queue(database_url, queue_url, exercise, notebook, count)
    env = services.app_env(database_url, queue_url, EXERCISES_DIR=str(exercise.folder.parent))
    engine = sa.create_engine(database_url)
    query = sa.text(
        "SELECT count(*) FILTER (WHERE status IN ('graded', 'failed')), "
        "count(*) FILTER (WHERE status = 'graded' AND score = max_score) FROM grading_runs"
    )
    with services.workers(env, workers, logs / f"w{workers}"):
        deadline = time.monotonic() + 60 * 60
        while True:
            with engine.connect() as connection:
                done, full_marks = connection.execute(query).one()
            if done >= count:
                break
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.5)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT queued_at, started_at, finished_at, duration_s FROM grading_runs "
                "ORDER BY id"
            )
        ).all()
    engine.dispose()
    span = (max(r.finished_at for r in rows) - min(r.started_at for r in rows)).total_seconds()
    assert full_marks == count, f"only {full_marks} of {count} got full marks"
    return {
        "workers": workers,
        "submissions": count,
        "span_s": round(span, 1),
        "per_minute": round(count / span * 60, 2),
        "median_worker_wall_s": round(
            statistics.median((r.finished_at - r.started_at).total_seconds() for r in rows), 2
        ),
        "median_sandbox_s": round(statistics.median(r.duration_s for r in rows), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--bare", type=int, default=4, help="bare runs (half before, half after)")
    parser.add_argument("--exercise", type=Path, default=REPO / "exercises" / "ml-take-home")
    args = parser.parse_args()
    services.exit_on_sigterm()
    exercise = parse_exercise(args.exercise.resolve())
    notebook_path = exercise.folder / "reference" / "full-marks.ipynb"
    notebook = notebook_path.read_bytes()
    logs = Path(tempfile.mkdtemp(prefix="hirelab-throughput-"))
    for n in args.workers:
        (logs / f"w{n}").mkdir()
    load_before = services.load_average()

    from sandbox.backends.docker import DockerBackend

    backend = DockerBackend()
    docker_once(backend, exercise, notebook_path)  # warm caches, as grading_overhead does
    bare = [bare_once(exercise, notebook_path)[0] for _ in range(args.bare // 2)]
    direct = [docker_once(backend, exercise, notebook_path)[1] for _ in range(2)]
    results = [measure_workers(exercise, notebook, args.submissions, n, logs) for n in args.workers]
    bare += [bare_once(exercise, notebook_path)[0] for _ in range(args.bare - args.bare // 2)]
    direct += [docker_once(backend, exercise, notebook_path)[1] for _ in range(2)]

    bare_s = statistics.median(bare)
    timings = {
        name: round(statistics.median(getattr(r.timings, name) for r in direct), 2)
        for name in ("container_start_s", "kernel_start_s", "cells_s", "tests_s")
    }
    direct_s = statistics.median(r.duration_s for r in direct)
    one = next((r for r in results if r["workers"] == 1), results[0])
    report = {
        "exercise": exercise.id,
        "cpus": os.cpu_count(),
        "bare_runs_s": [round(s, 2) for s in bare],
        "bare_median_s": round(bare_s, 2),
        "bare_per_minute": round(60 / bare_s, 2),
        "workers": results,
        "overhead_ratio_1_worker": round((60 / one["per_minute"]) / bare_s, 3),
        "sandbox_direct_median_s": round(direct_s, 2),
        "sandbox_breakdown_medians_s": timings,
        "load_average_before_after": [load_before, services.load_average()],
        "logs": str(logs),
    }
    print(json.dumps(report, indent=2))
    out = Path(__file__).with_name(f"results-{exercise.id}.json")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"| workers | submissions | span | graded / minute | vs bare ({60 / bare_s:.2f}/min) |")
    print("| --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['workers']} | {r['submissions']} | {r['span_s']} s | {r['per_minute']} | "
            f"{r['per_minute'] / (60 / bare_s):.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Distributed grading on one machine: PostgreSQL and Redis on loopback, the web app under
gunicorn, several `flask worker` processes; N notebooks uploaded through the JSON API, one worker
SIGKILLed mid-run. Asserts every submission is graded exactly once and none is lost.

    .venv/bin/python bench/distributed/run.py [--submissions 200] [--workers 4]

Needs `make services` (PostgreSQL on :54329, Redis on :63790, a Docker engine) and `make image`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from app.synthetic import Uploader, seed_uploaders, upload_notebook  # noqa: E402
from bench.distributed import services  # noqa: E402

EXERCISES = REPO / "tests" / "fixtures" / "exercises"  # the tiny exercise: ~2.5 s per grading
NOTEBOOK = EXERCISES / "tiny" / "reference" / "full-marks.ipynb"


def seed(database_url: str, queue_url: str, count: int) -> list[Uploader]:
    """A job and `count` candidates, each with an opened assignment and an API token."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "QUEUE_URL": queue_url,
            "SECRET_KEY": services.SECRET_KEY,
            "EXERCISES_DIR": EXERCISES,
        }
    )
    with app.app_context():
        db.create_all()
        seeded = seed_uploaders(count, "tiny", "bench")
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return seeded


def run_counts(database_url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status, count(*) FROM grading_runs GROUP BY status")
        ).all()
    engine.dispose()
    return {status: count for status, count in rows}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-after", type=float, default=0.25, help="share graded first")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    services.exit_on_sigterm()
    import sqlalchemy as sa

    database_url = services.fresh_postgres("hirelab_distributed")
    queue_url = services.fresh_redis(5)
    started = time.monotonic()
    seeded = seed(database_url, queue_url, args.submissions)
    print(f"seeded {len(seeded)} candidates with tokens in {time.monotonic() - started:.1f} s")
    env = services.app_env(
        database_url,
        queue_url,
        EXERCISES_DIR=str(EXERCISES),
        GRADING_LEASE_SECONDS="15",
        GRADING_HEARTBEAT_SECONDS="3",
    )
    logs = Path(tempfile.mkdtemp(prefix="hirelab-distributed-"))
    notebook = NOTEBOOK.read_bytes()
    load_before = services.load_average()
    with (
        services.gunicorn(env, logs / "gunicorn.log") as base,
        services.workers(env, args.workers, logs) as processes,
    ):
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda s: upload_notebook(base, s, notebook), seeded))
        upload_s = time.monotonic() - t0
        statuses = Counter(response.status for response in responses)
        print(
            f"uploaded {len(responses)} notebooks through the API in {upload_s:.1f} s: {statuses}"
        )
        assert statuses == {201: args.submissions}, [r for r in responses if r.status != 201][:3]

        victim = processes[0]
        engine = sa.create_engine(database_url)
        killed_owner = None
        while killed_owner is None:
            graded = run_counts(database_url).get("graded", 0)
            with engine.connect() as connection:
                owner = connection.execute(
                    sa.text(
                        "SELECT lease_owner FROM grading_runs "
                        "WHERE status = 'running' AND lease_owner LIKE :pattern LIMIT 1"
                    ),
                    {"pattern": f"%:{victim.pid}:%"},
                ).scalar()
            if owner and graded >= args.kill_after * args.submissions:
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                killed_owner = owner
                print(f"SIGKILLed worker pid {victim.pid} while it graded ({graded} graded)")
            time.sleep(0.2)
        deadline = time.monotonic() + args.timeout
        while True:
            counts = run_counts(database_url)
            if counts.get("graded", 0) + counts.get("failed", 0) >= args.submissions:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out: {counts}")
            time.sleep(1)
        wall_s = time.monotonic() - t0
        with engine.connect() as connection:
            runs = connection.execute(
                sa.text(
                    "SELECT r.id, r.submission_id, r.status, r.attempts, r.graded_by, r.score, "
                    "r.max_score, (SELECT count(*) FROM test_outcomes t WHERE t.run_id = r.id), "
                    "(SELECT count(*) FROM group_scores g WHERE g.run_id = r.id) "
                    "FROM grading_runs r ORDER BY r.id"
                )
            ).all()
            submissions = connection.execute(sa.text("SELECT count(*) FROM submissions")).scalar()
        engine.dispose()
    load_after = services.load_average()

    per_submission = Counter(run.submission_id for run in runs)
    graded = [run for run in runs if run.status == "graded"]
    retried = [run for run in runs if run.attempts > 1]
    by_worker = Counter(run.graded_by.rsplit(":", 1)[0] for run in graded)
    print(
        json.dumps(
            {
                "submissions": submissions,
                "runs": len(runs),
                "graded": len(graded),
                "failed": sum(run.status == "failed" for run in runs),
                "lost (not graded)": submissions - len(graded),
                "graded more than once": sum(n > 1 for n in per_submission.values()),
                "re-queued after the kill (attempts > 1)": len(retried),
                "graded per worker process": dict(by_worker),
                "wall_s (first upload to last grade)": round(wall_s, 1),
                "per minute": round(len(graded) / wall_s * 60, 1),
                "workers": args.workers,
                "load_average_before_after": [load_before, load_after],
                "logs": str(logs),
            },
            indent=2,
        )
    )
    assert submissions == args.submissions
    assert len(runs) == submissions, "one grading run per submission"
    assert all(n == 1 for n in per_submission.values())
    assert len(graded) == submissions, "every submission graded, none lost"
    assert all(run.score == run.max_score == 10.0 for run in graded)
    assert len({run[7] for run in graded}) == 1 and all(run[8] == 2 for run in graded), (
        "test outcomes and group scores stored exactly once per run"
    )
    assert retried, "the run the killed worker held was re-queued and graded by another worker"
    print("OK: every submission graded exactly once, none lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())

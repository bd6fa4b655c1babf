"""Benchmark the pipeline board and the funnel page on a large generated dataset.

    .venv/bin/python bench/funnel/run.py --backend sqlite
    .venv/bin/python bench/funnel/run.py --backend postgres   # needs `make postgres`

Fills a fresh database (SQLite file under /tmp, or the `hirelab_bench` PostgreSQL database),
then times full requests through the Flask test client (query + template), signed in as a
recruiter. Prints a Markdown table and writes bench/funnel/results-<backend>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.extensions import db  # noqa: E402
from app.models import Application, Job, Stage, StageTransition, User  # noqa: E402
from bench.database import add_arguments, bench_app, jobs_by_size, measure  # noqa: E402
from bench.funnel.generate import NOW, generate  # noqa: E402

DATABASE = "hirelab_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, "funnel")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    app, fresh = bench_app(args, DATABASE)
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            generate(args.applications)
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        counts = {
            "applications": db.session.scalar(sa.select(sa.func.count(Application.id))),
            "transitions": db.session.scalar(sa.select(sa.func.count(StageTransition.id))),
        }
        (big_job, big_size), (mid_job, mid_size) = jobs_by_size()
        applied = db.session.scalar(
            sa.select(Stage.id).where(Stage.job_id == big_job, Stage.position == 0)
        )
        recruiter = db.session.scalar(sa.select(User).where(User.email == "bench@hirelab.example"))
        title = db.session.get(Job, big_job).title
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = recruiter.get_id()  # "id:session epoch"
            session["_fresh"] = True
        all_time = f"start={(NOW.date().replace(year=NOW.year - 2))}&end={NOW.date()}"
        pages = {
            f"board, largest job ({big_size:,} applications)": f"/jobs/{big_job}",
            f"board, median job ({mid_size:,})": f"/jobs/{mid_job}",
            "stage list, largest job, page 20 (100 rows)": (
                f"/jobs/{big_job}/stages/{applied}?page=20"
            ),
            "funnel, largest job, last 90 days": f"/reports/jobs/{big_job}/funnel",
            "funnel, largest job, all time (2 years)": (
                f"/reports/jobs/{big_job}/funnel?{all_time}"
            ),
            "funnel, largest job, all time, one source": (
                f"/reports/jobs/{big_job}/funnel?{all_time}&source=referral"
            ),
            f"funnel, median job ({mid_size:,}), all time": (
                f"/reports/jobs/{mid_job}/funnel?{all_time}"
            ),
            "funnel CSV (stages), largest job, all time": (
                f"/reports/jobs/{big_job}/funnel/stages.csv?{all_time}"
            ),
        }
        load_before = os.getloadavg()[0]
        results = {name: measure(client, url, args.repeat) for name, url in pages.items()}
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))
    report = {
        "backend": args.backend,
        "job": title,
        **counts,
        "load_average_1min_before_after": load,
        "cpus": os.cpu_count(),
        "pages": results,
    }
    out = Path(__file__).with_name(f"results-{args.backend}.json")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\n{args.backend}: {counts['applications']:,} applications, "
        f"{counts['transitions']:,} transitions; {args.repeat} requests per page; "
        f"load average {load[0]} → {load[1]} on {os.cpu_count()} CPUs\n"
    )
    print("| page | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: |")
    for name, figures in results.items():
        print(f"| {name} | {figures['p50_ms']} | {figures['p95_ms']} | {figures['max_ms']} |")


if __name__ == "__main__":
    main()

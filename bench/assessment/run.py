"""Benchmark the assessment reports on ~100,000 applications.

    .venv/bin/python bench/assessment/run.py --backend postgres   # needs `make postgres`
    .venv/bin/python bench/assessment/run.py --backend sqlite

Fills a fresh database of its own (the `hirelab_bench_assessment` PostgreSQL database, or a
SQLite file under /tmp) with bench/funnel/generate.py's pipeline plus bench/assessment/generate.py's
gradings, scorecards and self-identification answers, then times full requests through the Flask
test client (queries, statistics, bootstrap, template), signed in as the recruiter of every job
(allowed to read adverse-impact reports): the first request after a change (cold: computes the
report) and then p50/p95 of the following ones (served from app/reports/report_cache.py after a
fingerprint query). Writes bench/assessment/results-<backend>.json.
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

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Application, DemographicReportGrant, GradingRun, User  # noqa: E402
from bench.assessment.generate import generate_assessment  # noqa: E402
from bench.funnel.generate import generate  # noqa: E402
from bench.funnel.run import measure  # noqa: E402

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:54329/postgres"
DATABASE = "hirelab_bench_assessment"
POSTGRES_URL = f"postgresql+psycopg://postgres@127.0.0.1:54329/{DATABASE}"


def fresh_database(backend: str, path: Path) -> str:
    if backend == "sqlite":
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine.dispose()
    return POSTGRES_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep an already generated database")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path("/tmp/hirelab-bench-assessment.db")
    )
    args = parser.parse_args()
    if args.reuse:
        url = f"sqlite:///{args.sqlite_path}" if args.backend == "sqlite" else POSTGRES_URL
    else:
        url = fresh_database(args.backend, args.sqlite_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        if not args.reuse:
            db.create_all()
            started = time.perf_counter()
            generate(args.applications)
            extra = generate_assessment()
            print(f"generated in {time.perf_counter() - started:.0f} s: {extra}", file=sys.stderr)
        recruiter = db.session.scalar(sa.select(User).where(User.email == "bench@hirelab.example"))
        if not db.session.scalar(sa.select(DemographicReportGrant.id)):
            db.session.add(DemographicReportGrant(user_id=recruiter.id))
            db.session.commit()
        counts = {
            "applications": db.session.scalar(sa.select(sa.func.count(Application.id))),
            "graded_runs": db.session.scalar(sa.select(sa.func.count(GradingRun.id))),
        }
        by_size = db.session.execute(
            sa.select(Application.job_id, sa.func.count())
            .group_by(Application.job_id)
            .order_by(sa.func.count().desc())
        ).all()
        big_job, big_size = by_size[0]
        mid_job, mid_size = by_size[len(by_size) // 2]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(recruiter.id)
            session["_fresh"] = True
        exercise = "/reports/exercises/ml-take-home/v1"
        pages = {
            f"exercise version, all jobs ({counts['graded_runs']:,} graded)": exercise,
            f"exercise version, largest job ({big_size:,} applications)": (
                f"{exercise}?job={big_job}"
            ),
            "exercise items CSV, all jobs": f"{exercise}/items.csv",
            f"adverse impact, largest job ({big_size:,} applications)": (
                f"/reports/jobs/{big_job}/adverse-impact"
            ),
            f"adverse impact, median job ({mid_size:,})": f"/reports/jobs/{mid_job}/adverse-impact",
            "adverse impact stages CSV, largest job": (
                f"/reports/jobs/{big_job}/adverse-impact/stages.csv"
            ),
        }
        load_before = os.getloadavg()[0]
        results = {}
        for name, url in pages.items():
            # Cold: the first request after a change recomputes the report (report_cache.py);
            # the p50/p95 that follow are the cached reads every other request makes.
            app.extensions.pop("hirelab_report_cache", None)
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            cold = round((time.perf_counter() - started) * 1000, 1)
            results[name] = {"cold_ms": cold, **measure(client, url, args.repeat)}
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))
    report = {
        "backend": args.backend,
        **counts,
        "load_average_1min_before_after": load,
        "cpus": os.cpu_count(),
        "pages": results,
    }
    out = Path(__file__).with_name(f"results-{args.backend}.json")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\n{args.backend}: {counts['applications']:,} applications, "
        f"{counts['graded_runs']:,} graded runs; {args.repeat} requests per page; "
        f"load average {load[0]} → {load[1]} on {os.cpu_count()} CPUs\n"
    )
    print(
        "| page | first (cold) ms | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |"
    )
    for name, f in results.items():
        print(f"| {name} | {f['cold_ms']} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} |")


if __name__ == "__main__":
    main()

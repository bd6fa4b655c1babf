"""Benchmark the assessment reports on ~100,000 applications.

    .venv/bin/python bench/assessment/run.py --backend postgres [--reuse]  # needs `make postgres`
    .venv/bin/python bench/assessment/run.py --backend sqlite

Fills a database of its own (the `hirelab_bench_assessment` PostgreSQL database, or a SQLite file
under /tmp) with bench/funnel/generate.py's pipeline plus bench/assessment/generate.py's
gradings, scorecards and self-identification answers (bulk inserts, so the derived tables of
app/models/assessment.py are then filled by `upkeep.rebuild`, the migration's backfill; timed).
Then times full requests through the Flask test client (derived-table read, statistics,
bootstrap, template), signed in as the recruiter of every job (allowed to read adverse-impact
reports): the first request after a change (cold: computes the report) and then p50/p95 of the
following ones (served from app/reports/report_cache.py after one fingerprint query), next to
`/healthz` measured the same way in the same run (the machine is shared: the ratio is the
figure that travels). Also the cost the write paths now pay: upkeep of one graded run and of one
stage move (rolled back). Writes bench/assessment/results-<backend>.json.
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

from app import assessment_upkeep as upkeep  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Application,
    AssessmentObservation,
    DemographicReportGrant,
    GradingRun,
    User,
)
from bench.assessment.generate import generate_assessment  # noqa: E402
from bench.database import add_arguments, bench_app, jobs_by_size, measure  # noqa: E402
from bench.funnel.generate import generate  # noqa: E402

DATABASE = "hirelab_bench_assessment"


def write_path_costs(repeat: int = 20) -> dict[str, float]:
    """Median ms of the upkeep one graded run and one stage move add to their transaction."""
    assignment_id, application_id = db.session.execute(
        sa.select(AssessmentObservation.assignment_id, AssessmentObservation.application_id)
    ).first()
    costs = {}
    for name, step in (
        ("graded run (refresh_assignments)", lambda: upkeep.refresh_assignments([assignment_id])),
        (
            "stage move (refresh_applications)",
            lambda: upkeep.refresh_applications([application_id]),
        ),
    ):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            step()
            db.session.flush()
            samples.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        costs[name] = round(sorted(samples)[len(samples) // 2], 1)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser, "assessment", backend="postgres")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    app, fresh = bench_app(args, DATABASE)
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            generate(args.applications)
            extra = generate_assessment()
            print(f"generated in {time.perf_counter() - started:.0f} s: {extra}", file=sys.stderr)
        rebuild_s = None
        if fresh or not db.session.scalar(sa.select(AssessmentObservation.run_id).limit(1)):
            started = time.perf_counter()
            upkeep.rebuild()  # what the migration's backfill does
            db.session.commit()
            rebuild_s = round(time.perf_counter() - started, 1)
            print(f"derived tables rebuilt in {rebuild_s} s", file=sys.stderr)
        recruiter = db.session.scalar(sa.select(User).where(User.email == "bench@hirelab.example"))
        if not db.session.scalar(sa.select(DemographicReportGrant.id)):
            db.session.add(DemographicReportGrant(user_id=recruiter.id))
            db.session.commit()
        counts = {
            "applications": db.session.scalar(sa.select(sa.func.count(Application.id))),
            "graded_runs": db.session.scalar(sa.select(sa.func.count(GradingRun.id))),
        }
        (big_job, big_size), (mid_job, mid_size) = jobs_by_size()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = recruiter.get_id()  # "id:session epoch"
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
        trivial = measure(client, "/healthz", args.repeat)
        results = {}
        for name, url in pages.items():
            # Cold: the first request after a change recomputes the report (report_cache.py);
            # the p50/p95 that follow are the cached reads every other request makes.
            app.extensions.pop("hirelab_report_cache", None)
            started = time.perf_counter()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.text[-3000:])
            cold = round((time.perf_counter() - started) * 1000, 1)
            figures = measure(client, url, args.repeat)
            ratio = round(figures["p95_ms"] / trivial["p95_ms"], 1)
            results[name] = {"cold_ms": cold, **figures, "p95_over_healthz_p95": ratio}
        trivial_after = measure(client, "/healthz", args.repeat)
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))
        writes = write_path_costs()
    report = {
        "backend": args.backend,
        **counts,
        "load_average_1min_before_after": load,
        "cpus": os.cpu_count(),
        "rebuild_s": rebuild_s,
        "healthz_before_after": [trivial, trivial_after],
        "pages": results,
        "write_path_upkeep_median_ms": writes,
    }
    out = Path(__file__).with_name(f"results-{args.backend}.json")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\n{args.backend}: {counts['applications']:,} applications, "
        f"{counts['graded_runs']:,} graded runs; {args.repeat} requests per page; "
        f"load average {load[0]} → {load[1]} on {os.cpu_count()} CPUs\n"
    )
    print("| page | first (cold) ms | p50 ms | p95 ms | max ms | p95 / healthz p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, f in results.items():
        print(
            f"| {name} | {f['cold_ms']} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} "
            f"| {f['p95_over_healthz_p95']} |"
        )
    for label, f in (("before", trivial), ("after", trivial_after)):
        print(f"| /healthz ({label}) | | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} | |")
    print(f"write-path upkeep (median ms): {writes}; rebuild: {rebuild_s} s")


if __name__ == "__main__":
    main()

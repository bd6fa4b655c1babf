"""What the database benchmarks share: a private database per benchmark, made fresh or reused
(`--reuse`), and the timing of repeated requests.

    parser = argparse.ArgumentParser()
    add_arguments(parser, "funnel")              # --backend, --reuse, --sqlite-path
    app, fresh = bench_app(args, "hirelab_bench")  # fresh: the caller fills it

Each benchmark names its own PostgreSQL database (on the shared server at 127.0.0.1:54329) or
SQLite file, so one benchmark never drops another's data. With `--reuse` the database is kept
and only tables the models have gained since it was filled are created.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from flask import Flask

from app import create_app
from app.extensions import db
from bench.distributed.services import POSTGRES_SERVER, fresh_postgres


def add_arguments(parser: argparse.ArgumentParser, name: str, backend: str = "sqlite") -> None:
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default=backend)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--sqlite-path", type=Path, default=Path(f"/tmp/hirelab-bench-{name}.db"))


def _url(args: argparse.Namespace, database: str) -> str:
    if args.backend == "sqlite":
        if not args.reuse:
            args.sqlite_path.unlink(missing_ok=True)
        return f"sqlite:///{args.sqlite_path}"
    return f"{POSTGRES_SERVER}/{database}" if args.reuse else fresh_postgres(database)


def bench_app(args: argparse.Namespace, database: str) -> tuple[Flask, bool]:
    """The app on the benchmark's database (PostgreSQL `database`, or the SQLite file), its
    tables created; True when the database is new and must be filled. Enter its app context."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": _url(args, database), "SECRET_KEY": "bench", "TESTING": True}
    )
    with app.app_context():
        db.create_all()  # reused: only the tables added since it was filled
    return app, not args.reuse


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]


def measure(client, url: str, repeat: int, warmup: int = 3) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """p50/p95/max of `repeat` GETs of `url` (after `warmup`), each asserted to answer 200."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
        "bytes": len(response.data),
    }


def jobs_by_size() -> tuple[tuple[int, int], tuple[int, int]]:
    """(job id, applications) of the largest and of the median job of the bench database."""
    import sqlalchemy as sa

    from app.models import Application

    by_size = db.session.execute(
        sa.select(Application.job_id, sa.func.count())
        .group_by(Application.job_id)
        .order_by(sa.func.count().desc())
    ).all()
    big, mid = by_size[0], by_size[len(by_size) // 2]
    return (big[0], big[1]), (mid[0], mid[1])

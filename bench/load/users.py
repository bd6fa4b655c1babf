"""50 thinking users per page, from Python threads: the check of the p95 < 200 ms target.

    .venv/bin/python bench/load/users.py [--users 50] [--seconds 45] [--gunicorn-workers 8]

Needs the database bench/load/run.py generated (run it once without --reuse). wrk (run.py) starts
every connection at the same instant and its think-time runs showed a 2.6-3.2 s p95 on every page,
even on a 9 ms endpoint at 8 requests/s: not service time. Here each user starts at a random moment
in the first 5 s, then loops: request (a new connection, as after a browser's idle timeout), check
the 200, think 2-8 s. Latency is measured in the client, so it includes connecting and the client's
own thread scheduling (conservative).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.distributed import services  # noqa: E402
from bench.load import run as load  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--worker-class", default="project", choices=("project", "sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4, help="per process (project, gthread)")
    parser.add_argument("--think", type=float, nargs=2, default=(2, 8), metavar=("MIN", "MAX"))
    parser.add_argument("--database", default=load.DATABASE)
    parser.add_argument(
        "--pages", nargs="+", default=["board", "funnel", "candidate profile", "status endpoint"]
    )
    args = parser.parse_args()
    services.exit_on_sigterm()
    database_url = f"{services.POSTGRES_SERVER}/{args.database}"
    pages = load.prepare(database_url, 0, reuse=True)
    env = services.app_env(database_url, "memory://")
    log = Path(tempfile.mkdtemp(prefix="hirelab-users-")) / "gunicorn.log"
    results = {}
    load_before = services.load_average()
    with services.gunicorn(
        env, log, args.gunicorn_workers, args.threads, args.worker_class
    ) as base:
        recruiter = load.session_cookie(base, {"email": load.RECRUITER, "password": load.PASSWORD})
        candidate = load.session_cookie(base, invite=pages["_invite"])
        for name in args.pages:
            cookie = candidate if name == "status endpoint" else recruiter
            latencies: list[float] = []
            errors: list[str] = []

            def user(
                url: str = base + pages[name],
                cookie: str = cookie,
                latencies: list[float] = latencies,
                errors: list[str] = errors,
            ) -> None:
                end = time.monotonic() + args.seconds
                time.sleep(random.uniform(0, 5))
                while time.monotonic() < end:
                    request = urllib.request.Request(url, headers={"Cookie": cookie})
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(request, timeout=30) as response:
                            response.read()
                            ok = response.status == 200 and response.url == url
                    except (urllib.error.URLError, OSError) as error:
                        ok, response = False, error
                    latencies.append((time.perf_counter() - started) * 1000)
                    if not ok:
                        errors.append(str(response))
                    time.sleep(random.uniform(*args.think))

            threads = [threading.Thread(target=user) for _ in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            results[name] = {
                "path": pages[name],
                "requests": len(latencies),
                "errors": len(errors),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "max_ms": round(max(latencies), 1),
                "requests_per_s": round(len(latencies) / args.seconds, 1),
            }
            print(f"{name:18} {json.dumps(results[name])}", flush=True)
    report = {
        "applications": int(pages["_applications"]),
        "users": args.users,
        "think_s": list(args.think),
        "seconds_per_page": args.seconds,
        "gunicorn": f"{args.gunicorn_workers} {args.worker_class} workers x {args.threads} threads",
        "load_average_before_after": [load_before, services.load_average()],
        "results": results,
    }
    Path(__file__).with_name("results-users.json").write_text(json.dumps(report, indent=2) + "\n")
    print("| page | requests/s | p50 | p95 | max | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {r['requests_per_s']} | {r['p50_ms']} ms | {r['p95_ms']} ms "
            f"| {r['max_ms']} ms | {r['errors']} / {r['requests']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The web app under load: wrk against gunicorn on loopback, the demo pipeline scaled to 100,000
applications (bench/funnel's generator) on PostgreSQL.

    .venv/bin/python bench/load/run.py [--applications 100000] [--users 50] [--duration 20]
                                       [--reuse]   # keep the generated database

Pages: the board of the largest job, its funnel, a candidate profile, a candidate's submission
status endpoint. Each page gets three wrk runs with `--users` connections, each connection one
signed-in user (bench/load/session.lua): "users" wait 2-8 s between requests (people reading the
page they opened), "busy users" 0.5-1.5 s, and "saturation" not at all (the throughput ceiling;
latency there is queueing). Every answer other than 200 counts as an error. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.distributed import services  # noqa: E402

LUA = Path(__file__).with_name("session.lua")
PASSWORD = "bench-password-123"
RECRUITER = "bench@hirelab.example"  # created by bench/funnel/generate.py
DATABASE = "hirelab_load"  # --database: pick a private name on a shared server


def prepare(database_url: str, applications: int, reuse: bool) -> dict[str, str]:
    """Generate the data (unless reused); returns the URLs to load and the invite path."""
    import sqlalchemy as sa

    from app import create_app
    from app.auth import operations as auth
    from app.auth.passwords import hash_password
    from app.extensions import db
    from app.grading import operations as grading
    from app.models import (
        Application,
        Assignment,
        Candidate,
        Stage,
        StageKind,
        Submission,
        User,
    )
    from bench.funnel.generate import generate

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": services.SECRET_KEY,
            "QUEUE_URL": "memory://",
        }
    )
    with app.app_context():
        if not reuse:
            db.create_all()
            generate(applications)
        # The generator's recruiter owns every job (recruiters reach only their jobs): sign in as
        # them, with a password set here.
        recruiter = auth.find_user_by_email(RECRUITER)
        recruiter.password_hash = hash_password(PASSWORD)
        big_job = db.session.execute(
            sa.select(Application.job_id, sa.func.count())
            .group_by(Application.job_id)
            .order_by(sa.func.count().desc())
        ).first()[0]
        application = db.session.scalar(
            sa.select(Application)
            .join(Stage, Stage.id == Application.stage_id)
            .where(Application.job_id == big_job, Stage.kind == StageKind.NORMAL)
            .order_by(Application.id)
        )
        candidate: Candidate = application.candidate
        candidate_id = candidate.id
        submission_id = db.session.scalar(
            sa.select(Submission.id)
            .join(Assignment)
            .where(Assignment.application_id == application.id)
        )
        if submission_id is None:
            assignment = grading.assign_exercise(
                application, "ml-take-home", 120, None, timedelta(days=7)
            )
            grading.open_assignment(assignment)
            notebook = REPO / "exercises/ml-take-home/reference/full-marks.ipynb"
            run = grading.submit(assignment, "churn.ipynb", notebook.read_bytes(), 1, 10**7)
            submission_id = run.submission_id
        db.session.commit()
        _, invite = auth.issue_invite(candidate, None, services.SECRET_KEY, timedelta(days=1))
        db.session.commit()
        applications_total = db.session.scalar(sa.select(sa.func.count(Application.id)))
        users = db.session.scalar(sa.select(sa.func.count(User.id)))
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return {
        "board": f"/jobs/{big_job}",
        "funnel": f"/reports/jobs/{big_job}/funnel",
        "candidate profile": f"/candidates/{candidate_id}",
        "status endpoint": f"/me/submissions/{submission_id}/status.json",
        "_invite": f"/invite/{invite}",
        "_applications": str(applications_total),
        "_users": str(users),
    }


def session_cookie(base: str, login: dict[str, str] | None = None, invite: str = "") -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if invite:
        opener.open(base + invite).read()
    else:
        page = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**(login or {}), "csrf_token": token}).encode()
        opener.open(base + "/login", data=data).read()
    cookies = {c.name: c.value for c in jar}
    assert "session" in cookies, "sign-in failed"
    return f"session={cookies['session']}"


def wrk(url: str, cookie: str, users: int, duration: int, think: tuple[int, int]) -> dict:
    env = dict(os.environ, HIRELAB_COOKIE=cookie, THINK_MIN_MS=str(think[0]))
    env["THINK_MAX_MS"] = str(think[1])
    out = subprocess.run(
        ["wrk", "-t2", f"-c{users}", f"-d{duration}s", "--timeout", "10s", "-s", str(LUA), url],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    result["errors"] = result["not_200"] + result["socket_errors"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20, help="seconds (users: 3 times)")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--worker-class", default="project", choices=("project", "sync", "gthread"))
    parser.add_argument("--threads", type=int, default=4, help="per process (project, gthread)")
    parser.add_argument("--modes", nargs="+", default=["users", "busy users", "saturation"])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database", default=DATABASE, help="PostgreSQL database to (re)create")
    parser.add_argument("--prepare-only", action="store_true", help="generate the data and stop")
    args = parser.parse_args()
    services.exit_on_sigterm()
    if args.reuse:
        database_url = f"{services.POSTGRES_SERVER}/{args.database}"
    else:
        database_url = services.fresh_postgres(args.database)
    pages = prepare(database_url, args.applications, args.reuse)
    print(f"{pages['_applications']} applications, {pages['_users']} users", flush=True)
    if args.prepare_only:
        return 0
    env = services.app_env(database_url, "memory://")
    log = Path(tempfile.mkdtemp(prefix="hirelab-load-")) / "gunicorn.log"
    # (think time range ms, duration s): the thinking users' run is longer so that the burst of
    # all users' first requests at the same instant (wrk starts every connection at once) weighs
    # less than the 5% that p95 ignores.
    modes = {
        "users": ((2000, 8000), args.duration * 3),
        "busy users": ((500, 1500), args.duration),
        "saturation": ((0, 0), args.duration),
    }
    modes = {name: value for name, value in modes.items() if name in args.modes}
    results: dict[str, dict] = {}
    load_before = services.load_average()
    with services.gunicorn(
        env, log, args.gunicorn_workers, args.threads, args.worker_class
    ) as base:
        recruiter = session_cookie(base, {"email": RECRUITER, "password": PASSWORD})
        candidate = session_cookie(base, invite=pages["_invite"])
        for name, path in pages.items():
            if name.startswith("_"):
                continue
            cookie = candidate if name == "status endpoint" else recruiter
            with urllib.request.urlopen(
                urllib.request.Request(base + path, headers={"Cookie": cookie})
            ) as response:
                assert response.status == 200 and response.url.endswith(path), (name, response.url)
            for mode, (think, seconds) in modes.items():
                result = wrk(base + path, cookie, args.users, seconds, think)
                results[f"{name} / {mode}"] = {"path": path, **result}
                print(f"{name:18} {mode:10} {json.dumps(result)}", flush=True)
    report = {
        "applications": int(pages["_applications"]),
        "users": args.users,
        "modes (think ms, duration s)": modes,
        "gunicorn": f"{args.gunicorn_workers} {args.worker_class} workers"
        + (f" x {args.threads} threads" if args.worker_class != "sync" else ""),
        "cpus": os.cpu_count(),
        "load_average_before_after": [load_before, services.load_average()],
        "results": results,
    }
    Path(__file__).with_name(f"results-{args.worker_class}.json").write_text(
        json.dumps(report, indent=2) + "\n"
    )
    print("| page | mode | requests/s | p50 | p95 | p99 | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key, r in results.items():
        page, mode = key.split(" / ")
        print(
            f"| {page} | {mode} | {r['requests_per_s']} | {r['p50_ms']} ms | {r['p95_ms']} ms "
            f"| {r['p99_ms']} ms | {r['errors']} / {r['requests']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

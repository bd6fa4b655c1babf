"""The application against the private services: gunicorn serving the API, two `flask worker`
processes grading on the private Docker engine, candidates seeded with API tokens, uploads."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from app.synthetic import Upload, Uploader, seed_uploaders, upload_notebook
from tests.chaos.services import START_TIMEOUT_S, free_port, log_tail, wait_until

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "tests" / "fixtures" / "exercises"
NOTEBOOK = (EXERCISES / "tiny" / "reference" / "full-marks.ipynb").read_bytes()
SECRET_KEY = "chaos-test-secret-key"
LIMIT_SLACK = 5  # the tiny exercise's time limits, times this (patient_exercises)
VENV_BIN = Path(sys.executable).parent


def patient_exercises(target: Path, slack: int = LIMIT_SLACK) -> Path:
    """The tiny exercise with its time limits `slack` times longer, in `target`: at load ~45 its
    60 s notebook limit was reached, a "timeout" verdict that says nothing about lost or doubled
    runs. Several minutes is still finite: a hung grading still ends as one."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(EXERCISES / "tiny", target / "tiny")
    config_path = target / "tiny" / "exercise.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["limits"] = {
        key: value * slack if key.endswith("_timeout_s") else value
        for key, value in config["limits"].items()
    }
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def app_env(database_url: str, queue_url: str, docker_host: str,
            exercises: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        QUEUE_URL=queue_url,
        DOCKER_HOST=docker_host,
        SECRET_KEY=SECRET_KEY,
        EXERCISES_DIR=str(exercises),
        SANDBOX_BACKEND="docker",
        GRADING_LEASE_SECONDS="20",  # 8 s leases expired under load 40 (starved heartbeats)
        GRADING_HEARTBEAT_SECONDS="2",
        OUTBOX_SWEEP_SECONDS="2",
        OUTBOX_REDISPATCH_SECONDS="4",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
    )
    return env


def create_schema(database_url: str) -> None:
    from app.extensions import db
    from tests.conftest import app_context_on

    with app_context_on(database_url, QUEUE_URL="memory://", EXERCISES_DIR=EXERCISES):
        db.create_all()


def seed(database_url: str, count: int, tag: str) -> list[Uploader]:
    """`count` candidates with an opened tiny assignment and an API token (app/synthetic.py)."""
    from app.extensions import db
    from tests.conftest import app_context_on

    with app_context_on(database_url, QUEUE_URL="memory://", EXERCISES_DIR=EXERCISES):
        uploaders = seed_uploaders(count, "tiny", tag)
        db.session.commit()
    return uploaders


def upload(base: str, uploader: Uploader) -> Upload:
    """One upload; no answer within 3 minutes (a saturated machine) counts as none."""
    return upload_notebook(base, uploader, NOTEBOOK, timeout_s=180)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Stack:
    """gunicorn + two workers; each is its own process group, so a kill takes its children.
    Log files are numbered per start: web-0.log, worker-0.log, worker-1.log, ..."""

    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, command: list[str], role: str) -> tuple[subprocess.Popen, Path]:
        n = self.starts[role] = self.starts.get(role, -1) + 1
        path = self.logs / f"{role}-{n}.log"
        with path.open("ab") as log:
            process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return process, path

    def start_web(self) -> None:
        self.web, log = self._spawn(
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "120",
             "--no-control-socket", "wsgi:app"],  # no socket shared with other gunicorns
            "web",
        )

        def up() -> bool:
            if self.web.poll() is not None:
                raise AssertionError(f"gunicorn exited\n{log_tail(log)}")
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=60):
                return True

        wait_until(up, START_TIMEOUT_S, "gunicorn", log=log, interval=1)

    def start_worker(self) -> subprocess.Popen:
        process, _ = self._spawn(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
            "worker",
        )
        return process

    def start(self) -> None:
        self.start_web()
        self.workers = [self.start_worker() for _ in range(2)]

    def heal(self) -> None:
        """Back to two live workers and a live web server after a fault killed some."""
        if self.web is None or self.web.poll() is not None:
            self.start_web()
        self.workers = [w if w.poll() is None else self.start_worker() for w in self.workers]

    def stop(self, timeout: float = 20) -> None:
        for process in [*self.workers, *([self.web] if self.web else [])]:
            stop(process, timeout=timeout)


def runs(database_url: str, assignments: Collection[int]) -> list[sa.Row]:
    """The grading runs of the submissions to `assignments` (one batch), oldest first."""
    engine = sa.create_engine(database_url, pool_pre_ping=True)
    query = sa.text(
        "SELECT r.id, s.assignment_id, r.submission_id, r.status, r.attempts, "
        "r.score, r.max_score, r.verdict, r.finished_at, r.lease_owner, "
        "(SELECT count(*) FROM test_outcomes t WHERE t.run_id = r.id) AS tests, "
        "(SELECT count(*) FROM group_scores g WHERE g.run_id = r.id) AS groups "
        "FROM grading_runs r JOIN submissions s ON s.id = r.submission_id "
        "WHERE s.assignment_id IN :assignments ORDER BY r.id"
    ).bindparams(sa.bindparam("assignments", expanding=True))
    try:
        with engine.connect() as connection:
            return connection.execute(query, {"assignments": list(assignments)}).all()
    finally:
        engine.dispose()


def lease_owners(database_url: str, assignments: Collection[int]) -> list[str]:
    """Who holds the lease of each running run of the batch ("host:pid:thread")."""
    return [run.lease_owner for run in runs(database_url, assignments)
            if run.status == "running" and run.lease_owner]


def counts(database_url: str, assignments: Collection[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for run in runs(database_url, assignments):
        found[run.status] = found.get(run.status, 0) + 1
    return found


def wait_finished(database_url: str, assignments: Collection[int], expected: int,
                  stall_s: float = 90, progress_s: float = 600, cap_s: float = 3600) -> float:
    """Until `expected` runs of the batch are graded or failed; returns when (monotonic).

    Bounded by progress, not by a quiet machine's pace: fails when runs are stranded (none
    running and nothing changed for `stall_s`: a lost queue message never comes back), when no
    run finished for `progress_s` (a hung grading; a loaded machine still finishes one every
    minute or so), and at `cap_s` whatever happens."""
    started = time.monotonic()
    found: dict[str, int] = {}
    last, changed = None, started
    finished, progressed = -1, started
    while time.monotonic() - started < cap_s:
        try:
            found = counts(database_url, assignments)
        except sa.exc.OperationalError:
            found = {"database unreachable": 1}
        now = time.monotonic()
        done = found.get("graded", 0) + found.get("failed", 0)
        if done >= expected:
            return now
        if done != finished:
            finished, progressed = done, now
        elif now - progressed > progress_s:
            raise AssertionError(
                f"no progress: {found} of {expected} runs, none finished for {progress_s:.0f} s"
            )
        if found != last:
            last, changed = found, now
        elif not found.get("running") and now - changed > stall_s:
            raise AssertionError(
                f"stranded: {found} of {expected} runs, nothing running or changing for "
                f"{stall_s:.0f} s"
            )
        time.sleep(0.5)
    raise AssertionError(f"after {cap_s:.0f} s only {found} of {expected} runs finished")

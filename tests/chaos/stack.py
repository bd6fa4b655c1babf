"""The application against the private services: gunicorn serving the API, two `flask worker`
processes grading on the private Docker engine, candidates seeded with API tokens, uploads."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.chaos.services import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "tests" / "fixtures" / "exercises"
NOTEBOOK = (EXERCISES / "tiny" / "reference" / "full-marks.ipynb").read_bytes()
SECRET_KEY = "chaos-test-secret-key"
VENV_BIN = Path(sys.executable).parent


def app_env(database_url: str, queue_url: str, docker_host: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        QUEUE_URL=queue_url,
        DOCKER_HOST=docker_host,
        SECRET_KEY=SECRET_KEY,
        EXERCISES_DIR=str(EXERCISES),
        SANDBOX_BACKEND="docker",
        GRADING_LEASE_SECONDS="8",
        GRADING_HEARTBEAT_SECONDS="2",
        OUTBOX_SWEEP_SECONDS="2",
        OUTBOX_REDISPATCH_SECONDS="4",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
    )
    return env


def seed(database_url: str, count: int) -> list[tuple[int, str]]:
    """Schema, a job and `count` candidates with an opened tiny assignment and an API token."""
    from app.api.tokens import create_token
    from app.auth.operations import create_user, issue_invite
    from app.extensions import db
    from app.grading import operations as grading
    from app.models import Role
    from app.pipeline import operations as pipeline
    from tests.conftest import app_context_on

    seeded = []
    with app_context_on(database_url, QUEUE_URL="memory://", EXERCISES_DIR=EXERCISES):
        db.create_all()
        job = pipeline.create_job("Chaos", None)
        for n in range(count):
            candidate = pipeline.add_candidate(f"Candidate {n}", f"c{n}@chaos.example", "other")
            application = pipeline.apply(candidate, job, None)
            candidate.user = create_user(candidate.email, candidate.name, Role.CANDIDATE, None)
            assignment = grading.assign_exercise(application, "tiny", 60, None, timedelta(days=1))
            grading.open_assignment(assignment)
            # A candidate's API token lives as long as a valid invite (app/auth/sessions.py).
            issue_invite(candidate, None, "chaos", timedelta(days=1))
            _, token = create_token(candidate.user, "chaos")
            seeded.append((assignment.id, token))
        db.session.commit()
    return seeded


@dataclass
class Upload:
    assignment_id: int
    status: int | None  # None: no answer (connection refused or cut)
    body: dict


def upload(base: str, assignment_id: int, token: str) -> Upload:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="notebook"; '
        f'filename="tiny.ipynb"\r\nContent-Type: application/x-ipynb+json\r\n\r\n'.encode()
    )
    body.write(NOTEBOOK)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        f"{base}/api/v1/assignments/{assignment_id}/submissions",
        data=body.getvalue(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Upload(assignment_id, response.status, json.load(response))
    except urllib.error.HTTPError as error:
        try:
            detail = json.loads(error.read() or b"{}")
        except ValueError:
            detail = {}
        return Upload(assignment_id, error.code, detail)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return Upload(assignment_id, None, {})


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
    """gunicorn + two workers; each is its own process group, so a kill takes its children."""

    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        with (self.logs / log_name).open("ab") as log:
            return subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_web(self) -> None:
        self.web = self._spawn(
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "60", "wsgi:app"],
            "web.log",
        )

        def up() -> bool:
            if self.web.poll() is not None:
                raise AssertionError(f"gunicorn exited; see {self.logs / 'web.log'}")
            with urllib.request.urlopen(f"{self.base}/api/v1/openapi.json", timeout=5):
                return True

        wait_until(up, 60, "gunicorn")

    def start_worker(self, n: int) -> subprocess.Popen:
        return self._spawn(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
            f"worker-{n}.log",
        )

    def start(self) -> None:
        self.start_web()
        self.workers = [self.start_worker(n) for n in range(2)]

    def stop(self) -> None:
        for process in [*self.workers, *([self.web] if self.web else [])]:
            stop(process)


def runs(database_url: str) -> list[sa.Row]:
    engine = sa.create_engine(database_url, pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT r.id, s.assignment_id, r.submission_id, r.status, r.attempts, "
                    "r.score, r.max_score, r.verdict, r.finished_at, "
                    "(SELECT count(*) FROM test_outcomes t WHERE t.run_id = r.id) AS tests, "
                    "(SELECT count(*) FROM group_scores g WHERE g.run_id = r.id) AS groups "
                    "FROM grading_runs r JOIN submissions s ON s.id = r.submission_id "
                    "ORDER BY r.id"
                )
            ).all()
    finally:
        engine.dispose()


def counts(database_url: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for run in runs(database_url):
        found[run.status] = found.get(run.status, 0) + 1
    return found


def wait_finished(database_url: str, expected: int, timeout: float, stall_s: float = 60) -> float:
    """Until `expected` runs are graded or failed; returns when (monotonic). Fails early when
    runs are stranded: none running and nothing changed for `stall_s` (a slow, loaded machine
    still progresses; a lost queue message never does)."""
    deadline = time.monotonic() + timeout
    found: dict[str, int] = {}
    last, changed = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            found = counts(database_url)
        except sa.exc.OperationalError:
            found = {"database unreachable": 1}
        if found.get("graded", 0) + found.get("failed", 0) >= expected:
            return time.monotonic()
        if found != last:
            last, changed = found, time.monotonic()
        elif not found.get("running") and time.monotonic() - changed > stall_s:
            raise AssertionError(
                f"stranded: {found} of {expected} runs, nothing running or changing for "
                f"{stall_s:.0f} s"
            )
        time.sleep(0.5)
    raise AssertionError(f"after {timeout:.0f} s only {found} of {expected} runs finished")

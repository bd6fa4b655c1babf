"""Real processes on loopback for the benchmarks: a fresh PostgreSQL database, Redis, gunicorn
serving the app, and `flask worker` grading processes. Started by `make services`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:54329"
REDIS = "redis://127.0.0.1:63790"
SECRET_KEY = "bench-secret-key-not-for-production"
VENV_BIN = Path(sys.executable).parent


def fresh_postgres(name: str) -> str:
    """An empty database `name` on the test PostgreSQL server; returns its URL."""
    engine = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{POSTGRES_SERVER}/{name}"


def fresh_redis(db_number: int) -> str:
    import redis

    url = f"{REDIS}/{db_number}"
    redis.Redis.from_url(url).flushdb()
    return url


def app_env(database_url: str, queue_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        QUEUE_URL=queue_url,
        SECRET_KEY=SECRET_KEY,
        SANDBOX_BACKEND="docker",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        **extra,
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def gunicorn(
    env: dict[str, str],
    log: Path,
    workers: int = 4,
    threads: int = 4,
    worker_class: str = "project",
) -> Iterator[str]:
    """gunicorn serving wsgi:app on a free loopback port; yields the base URL. ``worker_class``
    "project": the deployment's own configuration (app/gunicorn_conf.py); "sync" / "gthread":
    gunicorn's stock workers, for comparison."""
    port = free_port()
    if worker_class == "project":
        env = {**env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(workers)}
        env["WEB_THREADS"] = str(threads)
        command = [str(VENV_BIN / "gunicorn"), "--config", "python:app.gunicorn_conf", "wsgi:app"]
    else:
        # gunicorn turns sync workers into gthread ones when threads > 1.
        threads = threads if worker_class == "gthread" else 1
        command = [
            str(VENV_BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--timeout",
            "120",
            # Idle users keep their connection between clicks (the default 2 s would close it).
            "--keep-alive",
            "30",
            "wsgi:app",
        ]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5) as response:
                    json.load(response)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log}") from None
                time.sleep(0.3)
        yield base
    finally:
        stop(process, signal.SIGTERM)


def start_worker(env: dict[str, str], log: Path, threads: int = 1) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", str(threads)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@contextmanager
def workers(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    processes = [start_worker(env, log_dir / f"worker-{n}.log") for n in range(count)]
    try:
        yield processes
    finally:
        for process in processes:
            stop(process, signal.SIGINT)


def exit_on_sigterm() -> None:
    """SIGTERM ends the script through its `finally` blocks, so gunicorn and workers stop too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def load_average() -> float:
    return os.getloadavg()[0]

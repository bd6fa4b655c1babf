"""Real grading worker processes (`flask --app wsgi worker`) for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import docker

from sandbox.backends.docker import LABEL as SANDBOX_LABEL
from sandbox.backends.docker import RUN_NAME_PREFIX

REPO = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def worker_env(
    database_url: str, queue_url: str, exercises_dir: Path, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        QUEUE_URL=queue_url,
        SECRET_KEY="test-secret-key",
        EXERCISES_DIR=str(exercises_dir),
        SANDBOX_BACKEND="docker",
        GRADING_LEASE_SECONDS="4",
        GRADING_HEARTBEAT_SECONDS="1",
        **extra,
    )
    return env


@contextmanager
def worker_process(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [*FLASK, "worker"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(predicate: Callable[[], object], timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def sandbox_containers(run_label_prefix: str | None = None) -> list:
    """Our sandbox containers (optionally of runs whose label starts with the prefix; build it
    with app.grading.worker.sandbox_label). A pre-started container carries the run in its name
    (it is renamed when a run takes it), one created for the run in its label."""
    client = docker.from_env()
    try:
        containers = client.containers.list(all=True, filters={"label": SANDBOX_LABEL})
        return [
            c
            for c in containers
            if run_label_prefix is None
            or c.labels[SANDBOX_LABEL].startswith(run_label_prefix)
            or c.name.startswith(RUN_NAME_PREFIX + run_label_prefix)
        ]
    finally:
        client.close()

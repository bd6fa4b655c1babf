"""Private PostgreSQL, Redis and Docker engine for the whole chaos session (see services.py)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chaos.services import (
    PrivateDocker,
    PrivatePostgres,
    PrivateRedis,
    hold_session_lock,
    reap_stale_sessions,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "chaos"


@dataclass
class Services:
    postgres: PrivatePostgres
    redis: PrivateRedis
    docker: PrivateDocker
    root: Path


@pytest.fixture(scope="session")
def chaos_services() -> Iterator[Services]:
    from sandbox.image.build import image_tag

    reap_stale_sessions()  # servers and mounts of a chaos session that was killed
    root = Path(f"/var/tmp/hirelab-chaos-{os.getpid()}")
    shutil.rmtree(root, ignore_errors=True)
    lock = hold_session_lock(root)
    postgres = PrivatePostgres(root / "postgres")
    redis = PrivateRedis(root / "redis")
    engine = PrivateDocker(Path(f"/run/hirelab-chaos-{os.getpid()}"))
    started = []
    try:
        for service in (postgres, redis, engine):
            started.append(service)
            service.start()
        engine.load_image(image_tag())
        yield Services(postgres, redis, engine, root)
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(root, ignore_errors=True)
        lock.close()


@pytest.fixture(scope="session")
def recovery_log() -> Iterator[dict]:
    """Fault → seconds until the last run was graded, written to test-artifacts/chaos/."""
    times: dict[str, dict] = {}
    yield times
    if times:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "recovery.json").write_text(json.dumps(times, indent=2) + "\n")

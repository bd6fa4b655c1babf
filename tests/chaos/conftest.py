"""Private PostgreSQL, Redis and Docker engine for the whole chaos session (see services.py)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
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
def recovery_log() -> Callable[..., None]:
    """Record a fault's figures (recovery = fault → last run graded, with the load average);
    test-artifacts/chaos/recovery.json is rewritten after each, so a cut-short run keeps its."""
    figures: dict[str, dict] = {}
    path = ARTIFACTS / "recovery.json"

    def record(fault: str, **values: object) -> None:
        figures[fault] = values
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n")

    return record

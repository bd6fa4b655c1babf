"""Private PostgreSQL, Redis and Docker engine for the whole chaos session (see services.py)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chaos.services import PrivateDocker, PrivatePostgres, PrivateRedis

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

    root = Path(f"/var/tmp/hirelab-chaos-{os.getpid()}")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    postgres = PrivatePostgres(root / "postgres")
    redis = PrivateRedis(root / "redis")
    engine = PrivateDocker(Path(f"/run/hirelab-chaos-{os.getpid()}"))
    started = []
    try:
        for service in (postgres, redis, engine):
            service.start()
            started.append(service)
        engine.load_image(image_tag())
        yield Services(postgres, redis, engine, root)
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(engine.run_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def recovery_log() -> Iterator[dict]:
    """Fault → seconds until the last run was graded, written to test-artifacts/chaos/."""
    times: dict[str, float] = {}
    yield times
    if times:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "recovery.json").write_text(json.dumps(times, indent=2) + "\n")

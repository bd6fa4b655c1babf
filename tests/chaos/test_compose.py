"""compose.yaml for real (Debian's docker-compose) on a PRIVATE Docker engine: migrate, web, two
workers, PostgreSQL and Redis from locally built images; 20 uploads through the API, a worker
container and the Redis container killed mid-batch; every submission graded exactly once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.chaos import stack as st
from tests.chaos.conftest import ARTIFACTS
from tests.chaos.images import ensure_images
from tests.chaos.services import (
    START_TIMEOUT_S,
    PrivateDocker,
    free_port,
    reap_stale_sessions,
    wait_until,
)

pytestmark = [pytest.mark.docker, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
SUBMISSIONS = 20
PASSWORD = "compose-test-password"


@pytest.fixture(scope="module")
def compose_engine():
    from sandbox.image.build import image_tag

    reap_stale_sessions()  # what a killed session left behind
    engine = PrivateDocker(
        Path(f"/run/hirelab-compose-{os.getpid()}"), cache=Path("/var/tmp/hirelab-compose-docker")
    )
    try:
        engine.start()
        engine.load_image(image_tag())
        yield engine
    finally:
        engine.stop()


def on_loopback(compose_file: Path, tmp_path: Path) -> Path:
    """compose.yaml as it is, but with the host's network for every service and so no published
    ports (which host networking refuses): a bridge network would need firewall rules on the
    shared machine. Variables stay for docker-compose to fill in."""
    spec = yaml.safe_load(compose_file.read_text())
    spec = {key: value for key, value in spec.items() if not key.startswith("x-")}
    for service in spec["services"].values():
        service.pop("ports", None)
        service["network_mode"] = "host"
    target = tmp_path / "compose.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False))
    return target


def test_compose_deployment_grades_every_upload_once_through_worker_and_redis_kills(
    compose_engine, recovery_log
):
    tmp_path = ARTIFACTS / "compose"  # pytest's own temp dirs are pruned by parallel sessions
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir(parents=True)
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is missing: run `bash scripts/install-compose.sh`")
    images = ensure_images(compose_engine.host)
    pg_port, redis_port, web_port = free_port(), free_port(), free_port()
    project = f"hirelab-compose-{os.getpid()}"
    env = dict(os.environ)
    env.update(
        DOCKER_HOST=compose_engine.host,
        COMPOSE_PROJECT_NAME=project,
        APP_IMAGE=images.app,
        POSTGRES_IMAGE=images.postgres,
        REDIS_IMAGE=images.redis,
        SECRET_KEY="compose-test-secret-key",
        POSTGRES_PASSWORD=PASSWORD,
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_PORT=str(pg_port),
        REDIS_HOST="127.0.0.1",
        REDIS_PORT=str(redis_port),
        WEB_BIND=f"127.0.0.1:{web_port}",
        WEB_PORT=str(web_port),
        WEB_READY_URL=f"http://127.0.0.1:{web_port}/readyz",
        DOCKER_SOCKET=str(compose_engine.socket),
        DOCKER_GID=str(os.stat(compose_engine.socket).st_gid),
        TEST_EXERCISES=str(st.patient_exercises(tmp_path / "exercises")),
        EXERCISES_DIR="/srv/test-exercises",
        GRADING_LEASE_SECONDS="10",
        OUTBOX_SWEEP_SECONDS="2",
        OUTBOX_REDISPATCH_SECONDS="5",
        WORKER_THREADS="1",
    )
    compose = [
        "docker-compose", "--project-directory", str(REPO),
        "-f", str(on_loopback(REPO / "compose.yaml", tmp_path)),
        "-f", str(REPO / "tests" / "chaos" / "compose.loopback.yaml"),
    ]

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*compose, *args], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"docker-compose {' '.join(args)}:\n{result.stderr[-3000:]}")
        return result

    base = f"http://127.0.0.1:{web_port}"
    database_url = f"postgresql+psycopg://hirelab:{PASSWORD}@127.0.0.1:{pg_port}/hirelab"
    try:
        run("up", "-d", "--no-build", "--scale", "worker=2")

        def ready() -> bool:  # at load ~45 even /healthz took 20 s to answer
            with urllib.request.urlopen(f"{base}/readyz", timeout=60) as answer:
                return answer.status == 200

        wait_until(ready, 2 * START_TIMEOUT_S, "the compose web service to be ready",
                   interval=2)
        seeded = st.seed(database_url, SUBMISSIONS, "compose")
        assignments = {uploader.assignment_id for uploader in seeded}
        with ThreadPoolExecutor(max_workers=4) as pool:
            uploads = list(pool.map(lambda uploader: st.upload(base, uploader), seeded))
        assert Counter(up.status for up in uploads) == {201: SUBMISSIONS}, uploads[:3]

        def under_way() -> bool:
            found = st.counts(database_url, assignments)
            return found.get("graded", 0) >= 3 and found.get("running", 0) >= 1

        wait_until(under_way, 900, "grading under way")  # minutes on a loaded machine
        worker = run("ps", "-q", "worker").stdout.split()[0]
        redis = run("ps", "-q", "redis").stdout.split()[0]
        for container in (worker, redis):
            # SIGKILL the container's process from the host, as a crash or the OOM killer would
            # (`docker kill` counts as a manual stop, which restart policies leave stopped);
            # `restart: unless-stopped` brings both back.
            pid = subprocess.run(
                ["docker", "-H", compose_engine.host, "inspect", "-f", "{{.State.Pid}}",
                 container], check=True, capture_output=True, text=True,
            ).stdout.strip()
            os.kill(int(pid), signal.SIGKILL)
        killed_at, load_before = time.monotonic(), os.getloadavg()[0]
        finished_at = st.wait_finished(database_url, assignments, SUBMISSIONS)
        runs = st.runs(database_url, assignments)
        recovery_log(
            "compose: a worker and the Redis container SIGKILLed",
            recovery_s=round(finished_at - killed_at, 1),
            retried=sum(run.attempts > 1 for run in runs),
            load_average=round((load_before + os.getloadavg()[0]) / 2, 1),
        )
        wait_until(lambda: compose_engine.leftover_containers() == [], 120,
                   "the sandbox containers of finished runs and the killed worker to be removed")
    finally:
        logs = run("logs", "--no-color", check=False)
        (tmp_path / "compose.log").write_text(logs.stdout + logs.stderr)
        run("down", "-v", "--remove-orphans", "--timeout", "60", check=False)
    # Workers stopped by `down` (SIGTERM) remove their pre-started containers too.
    wait_until(lambda: compose_engine.sandbox_containers() == [], 60,
               "every sandbox container to be removed after `docker-compose down`")
    assert len(runs) == SUBMISSIONS and len({r.submission_id for r in runs}) == SUBMISSIONS
    assert {up.body["id"] for up in uploads} == {r.submission_id for r in runs}
    assert all(r.status == "graded" and r.verdict == "completed" for r in runs), (
        f"logs: {tmp_path / 'compose.log'}"
    )
    assert {(r.tests, r.groups) for r in runs} == {(runs[0].tests, 2)}

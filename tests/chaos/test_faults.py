"""An operator's bad day, on PRIVATE PostgreSQL, Redis and Docker engine (conftest.py): 20 uploads
of the tiny exercise through the API to gunicorn, two `flask worker` processes, one fault injected
mid-batch. Every acknowledged submission is graded exactly once, no stored submission got a 5xx,
no sandbox container is left behind."""

from __future__ import annotations

import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.chaos import stack as st
from tests.chaos.conftest import ARTIFACTS, Services
from tests.chaos.services import wait_until

pytestmark = [pytest.mark.docker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
SUBMISSIONS = 20
FINISH_TIMEOUT_S = 900  # a cap only: wait_finished fails as soon as runs are stranded


@dataclass
class Scenario:
    services: Services
    stack: st.Stack
    database_url: str
    seeded: list[tuple[int, str]]
    uploads: list[st.Upload]
    fault_at: float = 0.0

    def upload_all(self, todo: list[tuple[int, str]] | None = None) -> list[st.Upload]:
        todo = self.seeded if todo is None else todo
        with ThreadPoolExecutor(max_workers=4) as pool:
            done = list(pool.map(lambda s: st.upload(self.stack.base, *s), todo))
        self.uploads += done
        return done

    def mid_batch(self) -> None:
        """Wait until some runs are graded and one is being graded: the moment to strike."""
        wait_until(
            lambda: st.counts(self.database_url).get("graded", 0) >= 3
            and st.counts(self.database_url).get("running", 0) >= 1,
            FINISH_TIMEOUT_S,  # a loaded machine may take minutes to grade the first three
            "grading under way",
        )
        self.fault_at = time.monotonic()


def one_worker_sigkilled(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    st.stop(s.stack.workers[0], signal.SIGKILL)


def both_workers_sigkilled(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    for worker in s.stack.workers:
        st.stop(worker, signal.SIGKILL)
    time.sleep(1)
    s.stack.workers = [s.stack.start_worker(n + 2) for n in range(2)]


def web_killed_mid_upload(s: Scenario) -> None:
    first, rest = s.seeded[:8], s.seeded[8:]
    with ThreadPoolExecutor(max_workers=1) as killer:
        # SIGKILL gunicorn (master and workers) while uploads are in flight.
        kill = killer.submit(lambda: (time.sleep(0.4), st.stop(s.stack.web, signal.SIGKILL)))
        s.upload_all(first)
        kill.result()
    s.fault_at = time.monotonic()
    s.stack.start_web()
    unanswered = [seed for seed, up in zip(first, s.uploads, strict=True) if up.status is None]
    s.upload_all(unanswered + rest)  # a candidate whose upload got no answer tries again


def redis_killed_and_restarted(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    s.services.redis.kill()
    time.sleep(2)
    s.services.redis.start()


def redis_flushall(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    assert s.services.redis.cli("FLUSHALL") == "OK"


def postgres_restarted(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    s.services.postgres.restart()


def redis_down_during_uploads(s: Scenario) -> None:
    s.services.redis.kill()
    s.upload_all()
    assert Counter(up.status for up in s.uploads) == {201: SUBMISSIONS}, [
        (up.status, up.body) for up in s.uploads if up.status != 201
    ][:3]
    s.fault_at = time.monotonic()
    s.services.redis.start()


def docker_engine_restarted(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    s.services.docker.restart()


FAULTS: list[Callable[[Scenario], None]] = [  # the fault-free batch is every test's baseline
    one_worker_sigkilled,
    both_workers_sigkilled,
    web_killed_mid_upload,
    redis_killed_and_restarted,
    redis_flushall,
    postgres_restarted,
    redis_down_during_uploads,
    docker_engine_restarted,
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_every_acknowledged_submission_is_graded_exactly_once(
    fault, chaos_services: Services, recovery_log: dict
):
    tmp_path = ARTIFACTS / fault.__name__  # pytest's temp dirs are pruned by parallel sessions
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir(parents=True)
    services = chaos_services
    database_url = services.postgres.create_database(f"chaos_{fault.__name__}")
    services.redis.cli("FLUSHALL")  # the private Redis: nobody else's queue
    seeded = st.seed(database_url, SUBMISSIONS)
    env = st.app_env(database_url, services.redis.url, services.docker.host)
    stack = st.Stack(env, tmp_path)
    scenario = Scenario(services, stack, database_url, seeded, [])
    stack.start()
    try:
        fault(scenario)
        acknowledged = [up for up in scenario.uploads if up.status == 201]
        stored = st.runs(database_url)
        finished_at = st.wait_finished(database_url, len(stored), FINISH_TIMEOUT_S)
        recovery_log[fault.__name__] = round(finished_at - scenario.fault_at, 1)
        runs = st.runs(database_url)
        wait_until(
            lambda: services.docker.sandbox_containers() == [], 30, "sandbox containers removed"
        )
    finally:
        stack.stop()
    logs = f"logs: {tmp_path}"
    by_submission = Counter(run.submission_id for run in runs)
    assert all(n == 1 for n in by_submission.values()), f"one run per submission; {logs}"
    acknowledged_ids = {up.body["id"] for up in acknowledged}
    assert acknowledged_ids <= set(by_submission), f"acknowledged but not stored; {logs}"
    assert {up.assignment_id for up in acknowledged} == {a for a, _ in seeded}, logs
    assert {run.assignment_id for run in runs} == {a for a, _ in seeded}, logs
    server_errors = {up.assignment_id for up in scenario.uploads if (up.status or 0) >= 500}
    stored_assignments = {run.assignment_id for run in runs}
    assert not server_errors & stored_assignments, f"5xx for a stored submission; {logs}"
    assert [run for run in runs if run.status != "graded"] == [], logs
    # The verdict, not the score: on a saturated machine the tiny exercise's hidden tests may time
    # out (a lower score), which is the grader's judgement, not a lost or doubled run.
    assert all(run.verdict == "completed" and run.max_score == 10.0 for run in runs), logs
    assert {(run.tests, run.groups) for run in runs} == {(runs[0].tests, 2)}, (
        f"each result stored exactly once; {logs}"
    )

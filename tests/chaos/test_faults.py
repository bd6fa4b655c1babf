"""An operator's bad day, on PRIVATE PostgreSQL, Redis and Docker engine (conftest.py): 20 uploads
of the tiny exercise through the API to gunicorn, two `flask worker` processes, one fault injected
mid-batch. Every acknowledged submission is graded exactly once, no stored submission got a 5xx,
no sandbox container is left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from app.synthetic import Upload, Uploader
from tests.chaos import stack as st
from tests.chaos.conftest import ARTIFACTS, Services
from tests.chaos.services import wait_until

pytestmark = [pytest.mark.docker, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]
# Issue 21 asks for at least 20 per fault (`make test` runs 20); a smaller number is only for a
# quick local look at a fault's mechanics on a saturated machine.
SUBMISSIONS = int(os.environ.get("HIRELAB_CHAOS_SUBMISSIONS", "20"))
START_GRADING_TIMEOUT_S = 900  # until 3 are graded: minutes on a loaded machine


@dataclass
class Scenario:
    services: Services
    stack: st.Stack
    database_url: str
    seeded: list[Uploader]
    uploads: list[Upload]
    fault_at: float = 0.0

    @property
    def assignments(self) -> set[int]:
        return {uploader.assignment_id for uploader in self.seeded}

    def upload_all(self, todo: list[Uploader] | None = None) -> list[Upload]:
        todo = self.seeded if todo is None else todo
        with ThreadPoolExecutor(max_workers=4) as pool:
            done = list(pool.map(lambda uploader: st.upload(self.stack.base, uploader), todo))
        self.uploads += done
        return done

    def mid_batch(self) -> None:
        """Wait until some runs are graded and a worker of the stack is grading one: the
        moment to strike."""

        def under_way() -> bool:
            found = st.counts(self.database_url, self.assignments)
            return found.get("graded", 0) >= 3 and bool(self.grading_workers())

        wait_until(under_way, START_GRADING_TIMEOUT_S, "grading under way")
        self.fault_at = time.monotonic()

    def grading_workers(self) -> list[subprocess.Popen]:
        """The stack's workers holding the lease of a running run of this batch right now."""
        owners = st.lease_owners(self.database_url, self.assignments)
        return [w for w in self.stack.workers if any(f":{w.pid}:" in o for o in owners)]


def one_worker_sigkilled(s: Scenario) -> None:
    s.upload_all()
    victims: list[subprocess.Popen] = []
    while not victims:  # the one that is grading (its run must be graded again), if still so
        s.mid_batch()
        victims = s.grading_workers()
    st.stop(victims[0], signal.SIGKILL)


def both_workers_sigkilled(s: Scenario) -> None:
    s.upload_all()
    s.mid_batch()
    for worker in s.stack.workers:
        st.stop(worker, signal.SIGKILL)
    time.sleep(1)
    s.stack.heal()


def web_killed_mid_upload(s: Scenario) -> None:
    first, rest = s.seeded[:8], s.seeded[8:]
    with ThreadPoolExecutor(max_workers=1) as killer:
        # SIGKILL gunicorn (master and workers) while uploads are in flight.
        kill = killer.submit(lambda: (time.sleep(0.4), st.stop(s.stack.web, signal.SIGKILL)))
        s.upload_all(first)
        kill.result()
    s.fault_at = time.monotonic()
    s.stack.start_web()
    unanswered = [u for u, up in zip(first, s.uploads, strict=True) if up.status is None]
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


@pytest.fixture(scope="module")
def fault_stack(chaos_services: Services) -> Iterator[st.Stack]:
    """One database, gunicorn and two workers for every fault: each fault starts from a healed
    stack (processes a fault killed are started again) with nothing left to grade, and is judged
    on its own batch of candidates."""
    logs = ARTIFACTS / "faults"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    database_url = chaos_services.postgres.create_database("chaos_faults")
    st.create_schema(database_url)
    exercises = st.patient_exercises(chaos_services.root / "exercises")
    env = st.app_env(database_url, chaos_services.redis.url, chaos_services.docker.host,
                     exercises)
    stack = st.Stack(env, logs)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_every_acknowledged_submission_is_graded_exactly_once(
    fault, fault_stack: st.Stack, chaos_services: Services, recovery_log: Callable
):
    services, stack = chaos_services, fault_stack
    database_url = stack.env["DATABASE_URL"]
    for service in (services.postgres, services.redis, services.docker):
        service.start()  # idempotent: back up if an earlier, failed fault left it down
    stack.heal()
    seeded = st.seed(database_url, SUBMISSIONS, fault.__name__.replace("_", "-"))
    scenario = Scenario(services, stack, database_url, seeded, [])
    load_before, started_at = os.getloadavg()[0], time.monotonic()
    fault(scenario)
    acknowledged = [up for up in scenario.uploads if up.status == 201]
    assignments = scenario.assignments
    stored = st.runs(database_url, assignments)
    finished_at = st.wait_finished(database_url, assignments, len(stored))
    runs = st.runs(database_url, assignments)
    recovery_log(
        fault.__name__,
        recovery_s=round(finished_at - scenario.fault_at, 1),
        batch_s=round(finished_at - started_at, 1),
        retried=sum(run.attempts > 1 for run in runs),
        load_average=round((load_before + os.getloadavg()[0]) / 2, 1),
    )
    # No container left: every run's containers removed, and the pre-started ones that remain
    # are running and held by a live worker (a dead worker's are swept by the others).
    wait_until(lambda: services.docker.leftover_containers() == [], 120,
               "the sandbox containers of finished runs and dead workers to be removed")
    logs = f"logs: {stack.logs}"
    by_submission = Counter(run.submission_id for run in runs)
    assert all(n == 1 for n in by_submission.values()), f"one run per submission; {logs}"
    acknowledged_ids = {up.body["id"] for up in acknowledged}
    assert acknowledged_ids <= set(by_submission), f"acknowledged but not stored; {logs}"
    assert {up.assignment_id for up in acknowledged} == assignments, logs
    assert {run.assignment_id for run in runs} == assignments, logs
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


def test_no_sandbox_container_outlives_the_workers(fault_stack: st.Stack,
                                                   chaos_services: Services):
    """Last: after every fault, workers stopped the way an operator stops them (SIGTERM) leave
    no sandbox container at all, not even a pre-started one."""
    fault_stack.heal()
    fault_stack.stop(timeout=120)  # SIGTERM: a worker removes its pool before it exits
    wait_until(lambda: chaos_services.docker.sandbox_containers() == [], 120,
               "every sandbox container to be removed after the workers stopped")

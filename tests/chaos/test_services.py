"""The private services' own robustness: a killed session's servers are reaped by the next one, a
live session's are not, and a service that never gets ready fails with its log's tail."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.chaos.services import (
    PrivatePostgres,
    PrivateRedis,
    hold_session_lock,
    reap_stale_sessions,
    wait_until,
)

pytestmark = [pytest.mark.redis]


def dead_pid() -> int:
    """The pid of a process that has exited (a session killed without its teardown)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_killed_sessions_server_is_stopped_and_its_directory_removed():
    root = Path(f"/var/tmp/hirelab-chaos-{dead_pid()}")
    shutil.rmtree(root, ignore_errors=True)
    redis = PrivateRedis(root / "redis")
    redis.start()
    try:
        reaped = reap_stale_sessions()
        assert str(root) in reaped
        assert redis.process.wait(timeout=30) is not None
        assert not root.exists()
    finally:
        redis.kill()
        shutil.rmtree(root, ignore_errors=True)


def test_a_live_sessions_server_is_left_alone():
    root = Path(f"/var/tmp/hirelab-chaos-{dead_pid()}")
    shutil.rmtree(root, ignore_errors=True)
    lock = hold_session_lock(root)
    redis = PrivateRedis(root / "redis")
    redis.start()
    first = redis.process.pid
    try:
        redis.start()  # idempotent
        assert redis.process.pid == first
        assert str(root) not in reap_stale_sessions()
        assert redis.process.poll() is None and redis.cli("PING") == "PONG"
    finally:
        redis.kill()
        lock.close()
        shutil.rmtree(root, ignore_errors=True)


def test_a_service_that_never_gets_ready_fails_with_its_log_tail(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("starting\nFATAL: could not bind the socket\n")
    with pytest.raises(AssertionError, match=r"(?s)timed out after 1 s.*could not bind"):
        wait_until(lambda: False, 1, "the server", log=log)


def test_a_service_that_died_ends_the_wait_at_once():
    def died() -> bool:
        raise AssertionError("the server exited")

    with pytest.raises(AssertionError, match="exited"):
        wait_until(died, 600, "the server")


@pytest.mark.postgres
def test_a_restarted_postgres_returns_and_serves_again():
    """`pg_ctl restart` once left the new server holding pg_ctl's captured stdout, so the
    restart never returned (the "postgres_restarted" fault hung a clean-clone run 30 minutes)."""
    root = Path(f"/var/tmp/hirelab-chaos-{dead_pid()}")
    shutil.rmtree(root, ignore_errors=True)
    lock = hold_session_lock(root)  # a live session: the reaper leaves it alone
    postgres = PrivatePostgres(root / "postgres")
    try:
        postgres.start()
        started = time.monotonic()
        postgres.restart()
        assert time.monotonic() - started < 60
        assert postgres.running()
        postgres.create_database("restarted")  # it accepts connections again
        assert postgres.log.read_text().count("database system is ready") == 2  # both starts
    finally:
        postgres.stop()
        lock.close()
        shutil.rmtree(root, ignore_errors=True)

"""Readiness checks for /readyz: can this process reach the database, the queue, the sandbox?"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import text

from app.extensions import db

CHECK_NAMES = ("database", "queue", "sandbox")


def check_database() -> str:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return "ok"


def check_queue() -> str:
    huey = current_app.extensions["outbox"].huey
    return f"ok ({huey.pending_count()} messages waiting)"


def check_sandbox() -> str:
    if current_app.config["SANDBOX_BACKEND"] == "local":
        return "ok (local backend, no engine)"
    from app.grading.backends import docker_available

    reason = docker_available()
    if reason is not None:
        raise RuntimeError(reason)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "queue": check_queue,
    "sandbox": check_sandbox,
}


def readiness(names: tuple[str, ...]) -> tuple[bool, dict[str, str]]:
    """Run the named checks; (all passed, name → "ok …" or "failed: why")."""
    results: dict[str, str] = {}
    ready = True
    for name in names:
        if name not in CHECKS:
            ready = False
            results[name] = f"failed: unknown check; READY_CHECKS takes {', '.join(CHECKS)}"
            continue
        try:
            results[name] = CHECKS[name]()
        except Exception as error:  # any failure is an answer, never a 500
            ready = False
            results[name] = f"failed: {type(error).__name__}: {error}"[:500]
    return ready, results

"""Removing sandbox containers nobody grades in any more (a dead worker's, or those an engine
restart left behind). Docker backend only; without an engine there is nothing to remove."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.grading.worker import installation_id
from app.models import GradingRun, RunStatus

log = logging.getLogger(__name__)


def remove_sandbox_containers(label: str) -> int:
    """Remove the containers of one attempt (label: see worker.sandbox_label)."""
    from sandbox.backends.docker import ENGINE_ERRORS, remove_orphans

    try:
        return remove_orphans(run_id=label)
    except ENGINE_ERRORS:
        return 0  # no engine on this machine: nothing of ours can be running in one


def remove_unused_sandboxes() -> int:
    """Remove pre-started sandbox containers of processes that died before using them."""
    from sandbox.backends.docker import ENGINE_ERRORS, remove_unused_ready

    try:
        return remove_unused_ready()
    except ENGINE_ERRORS:
        return 0  # no engine on this machine


def _attempt_label(container) -> str:
    """The attempt a container belongs to: its label, or for a pre-started container taken by a
    run (labels cannot change) the run named in its new name (sandbox/backends/pool.py)."""
    from sandbox.backends.docker import LABEL, RUN_NAME_PREFIX

    label = container.labels.get(LABEL, "")
    if label == "ready" and container.name.startswith(RUN_NAME_PREFIX):
        label = container.name.removeprefix(RUN_NAME_PREFIX).rsplit("-", 2)[0]
    return label


def remove_stale_sandboxes(app: Flask) -> list[int]:
    """Remove this installation's containers whose attempt is not being graded right now."""
    if app.config["SANDBOX_BACKEND"] == "local":
        return []
    try:
        import docker

        from sandbox.backends.docker import ENGINE_ERRORS, LABEL
    except ImportError:
        return []
    prefix = installation_id(app.config["SQLALCHEMY_DATABASE_URI"]) + "-"
    try:
        client = docker.from_env(timeout=10)
        try:
            containers = client.containers.list(all=True, filters={"label": LABEL})
            ours = {}
            for container in containers:
                label = _attempt_label(container)
                if label.startswith(prefix):
                    run_id, _, attempt = label.removeprefix(prefix).partition(".")
                    if run_id.isdigit() and attempt.isdigit():
                        ours.setdefault((int(run_id), int(attempt)), []).append(container)
            if not ours:
                return []
            live = set(
                db.session.execute(
                    select(GradingRun.id, GradingRun.attempts).where(
                        GradingRun.id.in_({run_id for run_id, _ in ours}),
                        GradingRun.status == RunStatus.RUNNING,
                    )
                )
            )
            db.session.rollback()
            removed = []
            for key, found in ours.items():
                if key in live:
                    continue
                for container in found:
                    try:
                        container.remove(force=True)
                    except ENGINE_ERRORS:
                        continue
                removed.append(key[0])
        finally:
            client.close()
    except ENGINE_ERRORS:
        return []
    if removed:
        log.warning("removed sandbox containers left behind by runs %s", removed)
    return []  # containers are not runs: the sweep report lists released runs only

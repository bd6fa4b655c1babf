"""Choosing the sandbox backend: docker when an engine and the grading image are there."""

from __future__ import annotations

import logging

from app.settings_types import SANDBOX_BACKENDS
from sandbox.backends.base import Backend

log = logging.getLogger(__name__)


def docker_available() -> str | None:
    """None when the docker backend can run; otherwise why not."""
    try:
        import docker
        from docker.errors import ImageNotFound

        from sandbox.backends.pool import ENGINE_ERRORS
        from sandbox.image.build import image_tag

        client = docker.from_env(timeout=5)
        try:
            client.ping()
            client.images.get(image_tag())
        finally:
            client.close()
    except ImageNotFound:
        return "the grading image is not built (run `make image`)"
    except ENGINE_ERRORS as error:
        return f"no Docker engine answers ({error})"
    return None


def make_backend(name: str, *, keep_ready: int = 1) -> Backend:
    """The backend named by SANDBOX_BACKEND (`auto` prefers docker, falls back to local).

    ``keep_ready``: docker sandboxes kept started for the next gradings (see sandbox/backends/pool).
    """
    if name not in SANDBOX_BACKENDS:
        choices = ", ".join(SANDBOX_BACKENDS)
        raise ValueError(f"SANDBOX_BACKEND must be one of {choices}, not {name!r}")
    if name == "auto":
        reason = docker_available()
        if reason is not None:
            log.warning("grading with the LOCAL backend (no container isolation): %s", reason)
        name = "docker" if reason is None else "local"
    if name == "docker":
        from sandbox.backends.docker import DockerBackend

        return DockerBackend(keep_ready=keep_ready)
    from sandbox.backends.local import LocalBackend

    return LocalBackend()

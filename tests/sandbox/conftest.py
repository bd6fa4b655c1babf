"""Fixtures of the sandbox suite: the real Docker engine and grading image, the local backend,
small limits that keep hostile inputs fast, and a final check that no sandbox container remains.

Tests needing Docker FAIL (never skip) when the engine or image is missing, saying what to run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.backends.base import Backend
from sandbox.backends.local import LocalBackend
from tests.sandbox.helpers import SESSION, require_docker


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[tuple[object, str]]:
    """(client, image tag) of the real engine; afterwards, no container of this session remains."""
    client, image = require_docker()
    yield client, image
    from sandbox.backends.docker import LABEL, RUN_NAME_PREFIX

    leftovers = [  # created for a run (labelled), or taken from the pool (renamed to the run)
        c.name
        for c in client.containers.list(all=True, filters={"label": LABEL})
        if c.labels.get(LABEL, "").startswith(SESSION)
        or c.name.startswith(RUN_NAME_PREFIX + SESSION)
    ]
    client.close()
    assert not leftovers, f"sandbox containers left behind by this session: {leftovers}"


@pytest.fixture(scope="session")
def docker_client(docker_engine: tuple[object, str]) -> object:
    """The engine's client."""
    return docker_engine[0]


@pytest.fixture(scope="session")
def grading_image(docker_engine: tuple[object, str]) -> str:
    """The grading image's tag (built if missing; a no-op after `make image`)."""
    return docker_engine[1]


@pytest.fixture(scope="session")
def docker_backend(docker_client: object, grading_image: str) -> Backend:
    """The docker backend on the real engine."""
    from sandbox.backends.docker import DockerBackend

    return DockerBackend(image=grading_image, client=docker_client)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def local_backend() -> Backend:
    """The (weaker) local backend."""
    return LocalBackend()


@pytest.fixture(params=["docker", "local"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn; docker cases carry the docker marker."""
    if request.param == "docker":
        request.applymarker(pytest.mark.docker)
        return request.getfixturevalue("docker_backend")
    return request.getfixturevalue("local_backend")

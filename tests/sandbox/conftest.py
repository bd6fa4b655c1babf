"""Fixtures of the sandbox suite: the real Docker engine and grading image, the local backend,
small limits that keep hostile inputs fast, and a final check that no sandbox container remains.

Tests needing Docker FAIL (never skip) when the engine or image is missing, saying what to run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.backends.base import Backend
from sandbox.backends.local import LocalBackend
from tests.sandbox.helpers import SESSION


@pytest.fixture(scope="session")
def docker_client() -> Iterator[object]:
    """A client of the running engine; fails loudly when there is none."""
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except DockerException as exc:
        pytest.fail(f"Docker engine not reachable ({exc}): run `make docker`, then `make image`", pytrace=False)
    yield client
    from sandbox.backends.docker import LABEL

    leftovers = [c.name for c in client.containers.list(all=True, filters={"label": LABEL})
                 if c.labels.get(LABEL, "").startswith(SESSION)]
    client.close()
    assert not leftovers, f"sandbox containers left behind by this session: {leftovers}"


@pytest.fixture(scope="session")
def grading_image(docker_client: object) -> str:
    """The grading image's tag, built if missing (a no-op when `make image` already ran)."""
    from sandbox.image.build import build

    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - any build failure means the same thing to the tester
        pytest.fail(f"grading image missing and could not be built ({exc}): run `make image`", pytrace=False)


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

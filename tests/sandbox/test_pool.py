"""Pre-started sandbox containers: single use, fresh per candidate, found and removed when orphaned;
phase 1's kernel warm (stack imported, nothing bound in the notebook's namespace)."""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import subprocess
import sys
import time
from unittest.mock import patch

import docker
import pytest
from docker.errors import NotFound

from app.grading.sandboxes import remove_sandbox_containers, remove_unused_sandboxes
from sandbox.backends import pool as pool_module
from sandbox.backends.attach import close_attached
from sandbox.backends.docker import (
    GRADING_SHARES,
    LABEL,
    RUN_NAME_PREFIX,
    WARMING_SHARES,
    DockerBackend,
    remove_orphans,
)
from sandbox.backends.pool import (
    POOL_LABEL,
    POOL_NAME_PREFIX,
    ContainerPool,
    Ready,
    discard,
    owner,
    sweep_unused,
)
from tests.sandbox.helpers import job, notebook, outputs_text

pytestmark = pytest.mark.docker

# The first cell runs before any import of the notebook's own: what does the kernel already hold?
PROBE = (
    "import sys, os\n"
    "print('WARM', 'sklearn.linear_model' in sys.modules, 'pandas' in sys.modules)\n"
    "print('NAMES', sorted(n for n in ('np', 'pd', 'numpy', 'pandas', 'sklearn') if n in dir()))\n"
    "print('CWD', os.getcwd(), sorted(os.listdir('.')))\n"
    "print('SEEN', os.path.exists('/tmp/left-by-previous'), os.path.exists('left-by-previous'))\n"
    "open('/tmp/left-by-previous', 'w').write('x'); open('left-by-previous', 'w').write('x')\n"
    "print('HOST', open('/etc/hostname').read().strip())"
)


def _line(result, tag: str) -> str:
    return next(line for line in outputs_text(result).splitlines() if line.startswith(tag))


def _ready(client) -> list:
    return [
        c
        for c in client.containers.list(all=True, filters={"label": f"{POOL_LABEL}={owner()}"})
        if c.name.startswith(POOL_NAME_PREFIX)
    ]


def test_each_candidate_gets_a_fresh_pre_started_container_with_a_warm_kernel(
    docker_client, grading_image
):
    backend = DockerBackend(image=grading_image, client=docker_client, keep_ready=1)
    warm_limits = {"memory_mb": 1024}  # enough memory for the stack to be pre-imported
    # A shape graded a second time gets a container started for its next grading.
    results = [backend.grade(job(notebook(PROBE), **warm_limits)) for _ in range(2)]
    deadline = time.monotonic() + 180
    while not any(c.status == "running" for c in _ready(docker_client)):
        assert time.monotonic() < deadline, "no container was started for the next grading"
        time.sleep(0.2)
    results.append(backend.grade(job(notebook(PROBE), **warm_limits)))
    for result in results:
        assert result.status == "completed", result.message
        assert _line(result, "WARM") == "WARM True True"  # imported before the notebook ran
        assert _line(result, "NAMES") == "NAMES []"  # ... binding no name in its namespace
        assert _line(result, "CWD") == "CWD /work/run ['data', 'tiny.ipynb']"
        # Single use: no candidate sees anything of the one before, each in its own container.
        assert _line(result, "SEEN") == "SEEN False False"
        assert result.execution_status == "completed" and result.cells_executed == 1
    assert len({_line(result, "HOST") for result in results}) == 3
    backend.close()
    assert _ready(docker_client) == []


def test_phase_2_s_next_container_starts_when_phase_2_takes_its_own(docker_client, grading_image):
    """Phase 2's warm-up (the zygote importing the stack) outlasts a short phase 1: a container
    started only when phase 1 begins is not warm when phase 2 needs it. A shape graded more than
    once therefore starts the next grading's phase-2 container as soon as phase 2 takes one."""
    backend = DockerBackend(image=grading_image, client=docker_client, keep_ready=1)
    graded = [backend.grade(job(notebook("x = 1"), hidden=True)) for _ in range(2)]
    assert [r.status for r in graded] == ["completed", "completed"], [r.message for r in graded]
    # Nothing is being started any more; one container per phase waits for the next grading.
    phases = sorted(c.labels.get("org.hirelab.phase") for c in _ready(docker_client))
    assert phases == ["execute", "test"]
    backend.close()
    assert _ready(docker_client) == []


def test_a_small_memory_limit_gets_a_warm_kernel_without_the_stack(docker_backend):
    result = docker_backend.grade(job(notebook(PROBE)))  # FAST: 256 MiB, no room for the stack
    assert result.status == "completed", result.message
    assert _line(result, "WARM") == "WARM False False"


def test_a_ready_container_warms_up_at_a_low_cpu_weight_and_grades_at_the_default(
    docker_client, grading_image
):
    """Warming up (a kernel or zygote importing the stack) takes only cores no grading uses."""
    backend = DockerBackend(image=grading_image, client=docker_client, keep_ready=0)
    taken = backend._container(job(notebook("1"), hidden=True), "execute")  # starts phase 2's
    deadline = time.monotonic() + 60
    while not (ready := [c for c in _ready(docker_client) if c.status == "running"]):
        assert time.monotonic() < deadline, "phase 2's container was not started"
        time.sleep(0.2)
    taken.container.reload()
    assert taken.container.attrs["HostConfig"]["CpuShares"] == GRADING_SHARES
    assert ready[0].attrs["HostConfig"]["CpuShares"] == WARMING_SHARES
    discard(taken)
    backend.close()


def test_a_warm_kernel_is_connected_before_its_bundle_arrives(docker_client, grading_image):
    """The pre-started kernel's client did its handshake while waiting: when the bundle comes,
    the kernel answers at once (connecting then costs jupyter_client's 0.2 s IOPub flush alone)."""
    backend = DockerBackend(image=grading_image, client=docker_client, keep_ready=1)
    for _ in range(2):  # the second grading of the shape starts a container for the next one
        assert backend.grade(job(notebook("1"))).status == "completed"
    deadline = time.monotonic() + 60
    while not any(c.status == "running" for c in _ready(docker_client)):
        assert time.monotonic() < deadline, "no container was started for the next grading"
        time.sleep(0.2)
    time.sleep(8)  # the kernel (no stack at 256 MiB) starts and answers meanwhile
    result = backend.grade(job(notebook("1")))
    assert result.status == "completed", result.message
    assert result.timings.kernel_start_s < 0.2, result.timings
    backend.close()


FROZEN = """
import gc
print('FROZEN', gc.get_freeze_count() > 0)
def add(a, b):
    return a + b if gc.get_freeze_count() > 0 else None  # in a phase-2 candidate process
"""


def test_both_phases_candidate_processes_start_with_their_warm_parent_s_heap_frozen(
    docker_backend,
):
    """gc.freeze() before the forks: collections in the kernel, the test process and every
    candidate process skip the imported stack, alike in both phases."""
    source = notebook(FROZEN, "def scale(values, factor):\n    return [v * factor for v in values]")
    result = docker_backend.grade(job(source, hidden=True))
    assert result.status == "completed", result.message
    assert _line(result, "FROZEN") == "FROZEN True"  # phase 1's kernel
    add = next(t for t in result.tests if t.id.endswith("test_add"))
    assert add.outcome == "passed", add.message  # phase 2's candidate process


def test_a_taken_container_is_renamed_to_its_run_and_removed_as_its_orphan(
    docker_client, grading_image
):
    backend = DockerBackend(image=grading_image, client=docker_client, keep_ready=0)
    taken_job = job(notebook("1"))
    ready = backend._container(taken_job, "execute")  # taken, as a phase would, then "lost"
    close_attached(ready.sock)
    ready.container.reload()
    assert ready.container.name.startswith(f"{RUN_NAME_PREFIX}{taken_job.run_id}-execute-")
    assert ready.container.labels[LABEL] == "ready"  # labels cannot change; the name does
    assert remove_orphans(docker_client, run_id=taken_job.run_id) == 1
    assert remove_orphans(docker_client, run_id=taken_job.run_id) == 0
    backend.close()


def test_the_sweep_removes_ready_containers_of_dead_processes_only(docker_client, grading_image):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    labels = {
        "dead": f"{socket.gethostname()}:{dead}",
        "alive": owner(),
        "elsewhere": f"another-host:{os.getpid()}",
    }
    made = {
        name: docker_client.containers.create(
            grading_image,
            command=["--deadline", "30", "--idle", "30"],
            name=f"{POOL_NAME_PREFIX}test-{name}-{os.getpid()}",
            labels={LABEL: "ready", POOL_LABEL: value},
            network_disabled=True,
            stdin_open=True,  # as pooled containers are: the runner waits for a bundle, idle
        )
        for name, value in labels.items()
    }
    try:
        for container in made.values():
            container.start()
        sweep_unused(docker_client)
        left = {c.name for c in docker_client.containers.list(all=True)}
        assert made["dead"].name not in left
        assert made["alive"].name in left and made["elsewhere"].name in left
        made["elsewhere"].kill()  # exited: nobody will ever use it, wherever its owner is
        made["elsewhere"].wait(timeout=30)
        sweep_unused(docker_client)
        assert made["elsewhere"].name not in {
            c.name for c in docker_client.containers.list(all=True)
        }
    finally:
        for container in made.values():
            with contextlib.suppress(NotFound):  # removed by the sweep already
                container.remove(force=True)


def _pool_container(client, image: str, name: str):
    """A pre-started container's twin of this process, created (not started), as a pool's start
    leaves it when the engine fails the start and then the removal."""
    return client.containers.create(
        image,
        command=["--deadline", "30", "--idle", "30"],
        name=f"{POOL_NAME_PREFIX}{name}-{os.getpid()}",
        labels={LABEL: "ready", POOL_LABEL: owner()},
        network_disabled=True,
        stdin_open=True,
    )


def test_the_sweep_removes_this_process_s_half_made_containers_but_not_one_being_started(
    docker_client, grading_image
):
    """An engine restart during a pre-start leaves a container `created` and never started;
    its owner lives on, so only the owner can tell it from one being started right now."""
    pool = ContainerPool(grading_image)
    stray = _pool_container(docker_client, grading_image, "stray")
    starting = _pool_container(docker_client, grading_image, "starting")
    try:
        with (
            pool.creating(starting.name, docker_client),
            patch.dict(pool_module._pools, {grading_image: pool}),
        ):
            sweep_unused(docker_client)
        left = {c.name for c in docker_client.containers.list(all=True)}
        assert stray.name not in left
        assert starting.name in left
    finally:
        for container in (stray, starting):
            with contextlib.suppress(NotFound):
                container.remove(force=True)


def test_closing_a_pool_removes_this_process_s_unused_containers_it_lost_track_of(
    docker_client, grading_image
):
    """At exit a worker removes not only its ready list but every unused pre-started container
    of its own in the engine (a removal that failed while the engine restarted)."""
    pool = ContainerPool(grading_image)
    lost = _pool_container(docker_client, grading_image, "lost")
    try:
        lost.start()
        with pool.creating("another", docker_client):
            pass  # the pool has met this engine
        pool.close()
        assert lost.name not in {c.name for c in docker_client.containers.list(all=True)}
    finally:
        with contextlib.suppress(NotFound):
            lost.remove(force=True)


# docker-py does not close the socket of a connection that failed to connect (its ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_unreachable_engine_fails_no_removal_and_no_sweep(tmp_path):
    """docker-py lets `requests`' connection errors through unwrapped once a client exists and the
    engine goes away (down or restarting): a removal shrugs them off (the sweep removes the
    container later) and the sweeps report nothing removed instead of failing the outbox sweep."""
    gone = docker.DockerClient(base_url=f"unix://{tmp_path / 'no-engine.sock'}", version="1.41")
    container = gone.containers.prepare_model({"Id": "0" * 64, "Name": "/x"})
    discard(Ready(container, socket.socket(), 0.0))  # raised requests' ConnectionError before
    with patch.object(docker, "from_env", return_value=gone):  # a client made before the restart
        assert remove_unused_sandboxes() == 0
        assert remove_sandbox_containers("hirelab-test-1.1") == 0
    gone.close()
    gc.collect()  # the warnings of those sockets, here and not at the session's end

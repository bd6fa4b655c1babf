"""Docker backend: each phase in a fresh, locked-down container on the real engine (docker SDK).

Inputs go in as a tar stream on the container's stdin (nothing is bind-mounted), results come back
as JSON lines on its stdout, and the host reads nothing from the container's filesystem, so it never
follows a link planted in the sandbox and never chowns a sandbox file.

With ``keep_ready`` (the default) containers come from this process's pool of single-use,
pre-started ones (``pool.py``): phase 2's container starts while phase 1 runs, and ``keep_ready``
containers per phase wait, kernel warm, for the next gradings.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import replace
from typing import Any

import docker  # type: ignore[import-untyped]
from docker.errors import ImageNotFound  # type: ignore[import-untyped]
from docker.types import LogConfig, Ulimit  # type: ignore[import-untyped]

from sandbox.backends.attach import exchange
from sandbox.backends.base import ProgressCallback
from sandbox.backends.pool import (
    ENGINE_ERRORS,
    IDLE_S,
    POOL_LABEL,
    POOL_NAME_PREFIX,
    Ready,
    discard,
    owner,
    shared_pool,
    sweep_unused,
)
from sandbox.backends.stream import RunnerStream, host_verdict
from sandbox.backends.twophase import grade_in_phases
from sandbox.job import GradingJob
from sandbox.limits import MiB
from sandbox.results import GradingResult
from sandbox.runner.channel import frame_bundle

LABEL = "org.hirelab.sandbox"  # value: the run id; used to find and remove orphans
RUN_NAME_PREFIX = "hirelab-run-"  # + run id: a pre-started container, renamed when taken
HOST_GRACE_S = 15.0  # the runner's own deadline fires first and still reports a verdict
RUNNER_CAPABILITIES = ("SETUID", "SETGID", "KILL", "CHOWN")  # dropped by the runner for good
GRADER_UID = 10001
# CPU weight (cgroup cpu.shares) of a pre-started container while it warms up, and once taken:
# warming up (a kernel or zygote importing the stack) only uses cores no grading needs.
WARMING_SHARES = 2
GRADING_SHARES = 1024  # the engine's default
RUNNER_ARGS = "HIRELAB_RUNNER_ARGS"


def container_settings(job: GradingJob, phase: str, idle_s: float | None = None) -> dict[str, Any]:
    """Keyword arguments for ``containers.create``: every restriction of SANDBOX.md. ``idle_s``:
    a pre-started container's wait for its bundle."""
    limits = job.limits
    memory = f"{limits.phase_memory_mb(phase)}m"
    return {
        "network_disabled": True,
        "network_mode": "none",
        "mem_limit": memory,
        "memswap_limit": memory,
        "pids_limit": limits.pids,
        "nano_cpus": int(limits.cpus * 1e9),
        "read_only": True,
        "tmpfs": {
            "/work": f"size={limits.work_disk_mb}m,uid=10001,gid=10001,mode=0755",
            "/tmp": f"size={limits.tmp_disk_mb}m,mode=1777",
        },
        "shm_size": limits.shm_mb * MiB,
        # Root with only what uid separation needs (sandbox/runner/privileges.py): the runner's
        # worker drops to 10001 and every candidate process to a uid of its own, for good.
        "cap_drop": ["ALL"],
        "cap_add": list(RUNNER_CAPABILITIES),
        "security_opt": ["no-new-privileges"],
        "user": "0:0",
        "ulimits": [
            Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
            Ulimit(name="fsize", soft=limits.file_size_mb * MiB, hard=limits.file_size_mb * MiB),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "log_config": LogConfig(type="json-file", config={"max-size": "1m", "max-file": "1"}),
        "labels": {LABEL: job.run_id, "org.hirelab.phase": phase},
        "environment": {RUNNER_ARGS: runner_arguments(job, phase, idle_s)},
        "stdin_open": True,
        "detach": True,
    }


def runner_arguments(job: GradingJob, phase: str, idle_s: float | None = None) -> str:
    """The runner's arguments, passed in the environment (``RUNNER_ARGS``), not on the command
    line: /proc/1/cmdline is readable by candidate code and must not tell the phases apart;
    PID 1's environment is readable only by root. Phase 1 starts its kernel before the bundle
    (with the scientific stack where the memory limit leaves room); phase 2 forks a warm zygote."""
    limits = job.limits
    arguments = ["--deadline", str(_phase_deadline(limits, phase)), "--drop-to", str(GRADER_UID)]
    if phase == "execute":
        arguments += ["--warm-kernel", "--output-bytes", str(limits.output_bytes)]
        arguments += ["--preimport"] if limits.preimport_stack else []
    else:  # candidate processes then find the modules a warm kernel holds
        arguments += ["--zygote", *(["--preimport"] if limits.preimport_stack else [])]
    if idle_s is not None:
        arguments += ["--idle", str(idle_s)]
    return " ".join(arguments)


def _phase_deadline(limits: Any, phase: str) -> float:
    return float(limits.phase1_wall_s if phase == "execute" else limits.phase2_wall_s)


class DockerBackend:
    """Grades in containers from ``image`` (default: the tag of the current image inputs).

    ``keep_ready``: pre-started containers kept per phase for the next gradings (about one per
    grading thread); 0 still starts phase 2's container during phase 1. ``pooled=False``: every
    container created on demand, labelled with its run from the start.
    """

    name = "docker"

    def __init__(
        self,
        image: str | None = None,
        client: docker.DockerClient | None = None,
        *,
        keep_ready: int = 1,
        pooled: bool = True,
    ) -> None:
        if image is None:
            from sandbox.image.build import image_tag

            image = image_tag()
        self.image = image
        self._client = client
        self.keep_ready = keep_ready
        self.pool = shared_pool(image) if pooled else None

    @property
    def client(self) -> docker.DockerClient:
        """The engine connection, opened on first use."""
        if self._client is None:
            self._client = docker.from_env(timeout=120)
        return self._client

    def _engine_answers(self) -> bool:
        """Whether the engine answers a ping (after a failure: down or restarting, or not)."""
        try:
            return bool(self.client.ping())
        except Exception:  # any failure to answer means: not there
            return False

    def grade(self, job: GradingJob, on_progress: ProgressCallback | None = None) -> GradingResult:
        """Both phases, each in a fresh container; always a verdict."""
        return grade_in_phases(job, self._run_phase, on_progress, use_cgroup=True)

    def close(self) -> None:
        """Remove this image's pre-started containers (containers in use go with their phase)."""
        if self.pool is not None:
            self.pool.drain()

    def _container(self, job: GradingJob, phase: str) -> Ready:
        """This phase's fresh container, started: taken from the pool (renamed to its run), or
        created now. Taking one starts, in the background, phase 2's (for phase 1) and the next
        grading's of the same phase (for a shape graded more than once)."""
        if self.pool is None:
            return self._start(job, phase, pooled=False)
        ready = self.pool.take((phase, job.limits), lambda: self._start(job, phase, pooled=True))
        try:
            ready.container.rename(f"{RUN_NAME_PREFIX}{job.run_id}-{phase}-{uuid.uuid4().hex[:8]}")
            ready.container.update(cpu_shares=GRADING_SHARES)
        except BaseException:
            discard(ready)
            raise
        if phase == "execute" and job.hidden_dir is not None:  # phase 2's, while phase 1 runs
            self._prepare(job, "test", max(1, self.keep_ready))
        if self.keep_ready and self.pool.uses((phase, job.limits)) > 1:
            # A shape graded more than once: the next grading's container of this phase starts
            # now, so its warm-up (the kernel, phase 2's zygote importing the stack: longer than
            # a short phase 1) is done before that grading needs it.
            self._prepare(job, phase, self.keep_ready)
        return ready

    def _prepare(self, job: GradingJob, phase: str, count: int) -> None:
        assert self.pool is not None
        self.pool.prepare((phase, job.limits), lambda: self._start(job, phase, pooled=True), count)

    def _start(self, job: GradingJob, phase: str, *, pooled: bool) -> Ready:
        """Create, attach and start a container. A pooled one has no run yet: it carries its
        owner's label and waits up to IDLE_S for a bundle (its pool's sweep leaves it alone while
        it is being started, and removes it if the engine failed both the start and the removal)."""
        settings = container_settings(job, phase, IDLE_S if pooled else None)
        if not pooled:
            return self._create_and_start(settings, None)
        assert self.pool is not None
        settings["labels"] = {LABEL: "ready", POOL_LABEL: owner(), "org.hirelab.phase": phase}
        settings["cpu_shares"] = WARMING_SHARES
        name = POOL_NAME_PREFIX + uuid.uuid4().hex
        with self.pool.creating(name, self.client):
            return self._create_and_start(settings, name)

    def _create_and_start(self, settings: dict[str, Any], name: str | None) -> Ready:
        container = self.client.containers.create(self.image, command=[], name=name, **settings)
        try:
            sock = container.attach_socket(
                params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            container.start()
        except BaseException:
            _remove(container)
            raise
        return Ready(container, sock, time.monotonic())

    def _run_phase(
        self, job: GradingJob, phase: str, bundle: bytes, on_progress: ProgressCallback | None
    ) -> GradingResult:
        limits = job.limits
        inner = _phase_deadline(limits, phase)
        started = time.monotonic()
        stream = RunnerStream(limits.result_bytes, on_progress)
        container = None
        try:
            ready = self._container(job, phase)
            container = ready.container
            container_start_s = time.monotonic() - started
            stderr, killed = exchange(
                ready.sock, frame_bundle(bundle), stream, started + inner + HOST_GRACE_S
            )
            if killed or stream.overflowed:
                with contextlib.suppress(*ENGINE_ERRORS):  # it may have exited meanwhile
                    container.kill()
            state = container.wait(timeout=30)
            oom = _oom_killed(container)
        except ImageNotFound:
            return GradingResult.failed(
                "error",
                f"the grading image {self.image} is missing; run `make image`",
                retryable=True,
            )
        except ENGINE_ERRORS as exc:
            return GradingResult.failed(
                "error",
                f"the Docker engine failed: {exc}; is it running? (`make docker`)",
                duration_s=time.monotonic() - started,
                retryable=True,
                engine_unavailable=not self._engine_answers(),
            )
        finally:
            if container is not None:
                _remove(container)
        result = host_verdict(
            stream,
            stderr,
            killed=killed,
            oom=oom,
            duration_s=time.monotonic() - started,
            exit_detail=f"exit status {state.get('StatusCode')}",
        )
        return result.with_changes(
            timings=replace(result.timings, container_start_s=container_start_s)
        )


def _oom_killed(container: Any) -> bool:
    container.reload()
    return bool(container.attrs.get("State", {}).get("OOMKilled"))


def _remove(container: Any) -> None:
    # Removed already, or the engine is gone: remove_orphans() sweeps later.
    with contextlib.suppress(*ENGINE_ERRORS):
        container.remove(force=True)


def run_containers(client: docker.DockerClient, run_id: str) -> list[Any]:
    """The containers of one run: created for it (labelled) or taken from a pool (renamed)."""
    labelled = client.containers.list(all=True, filters={"label": f"{LABEL}={run_id}"})
    prefix = f"{RUN_NAME_PREFIX}{run_id}-"
    renamed = [
        c
        for c in client.containers.list(all=True, filters={"label": POOL_LABEL, "name": prefix})
        if c.name.startswith(prefix)
    ]
    return labelled + renamed


def remove_orphans(client: docker.DockerClient | None = None, run_id: str | None = None) -> int:
    """Force-remove sandbox containers (of one run, or all); returns how many were removed."""
    client = client or docker.from_env()
    if run_id:
        containers = run_containers(client, run_id)
    else:
        containers = client.containers.list(all=True, filters={"label": LABEL})
    for container in containers:
        _remove(container)
    return len(containers)


def remove_unused_ready(client: docker.DockerClient | None = None) -> int:
    """Remove pre-started containers whose process died before using them (the reaper's sweep)."""
    if client is not None:
        return sweep_unused(client)
    own = docker.from_env()
    try:
        return sweep_unused(own)
    finally:
        own.close()

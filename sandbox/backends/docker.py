"""Docker backend: each phase in a fresh, locked-down container on the real engine (docker SDK).

Inputs go in as a tar stream on the container's stdin (nothing is bind-mounted), results come back
as JSON lines on its stdout, and the host reads nothing from the container's filesystem, so it never
follows a link planted in the sandbox and never chowns a sandbox file.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace
from typing import Any

import docker  # type: ignore[import-untyped]
from docker.errors import DockerException, ImageNotFound  # type: ignore[import-untyped]
from docker.types import LogConfig, Ulimit  # type: ignore[import-untyped]

from sandbox.backends.attach import exchange
from sandbox.backends.base import ProgressCallback
from sandbox.backends.stream import RunnerStream, host_verdict
from sandbox.backends.twophase import grade_in_phases
from sandbox.job import GradingJob
from sandbox.limits import MiB
from sandbox.results import GradingResult
from sandbox.runner.channel import frame_bundle

LABEL = "org.hirelab.sandbox"  # value: the run id; used to find and remove orphans
HOST_GRACE_S = 15.0  # the runner's own deadline fires first and still reports a verdict
RUNNER_CAPABILITIES = ("SETUID", "SETGID", "KILL", "CHOWN")  # dropped by the runner for good
GRADER_UID = 10001
RUNNER_ARGS = "HIRELAB_RUNNER_ARGS"


def container_settings(job: GradingJob, phase: str) -> dict[str, Any]:
    """Keyword arguments for ``containers.create``: every restriction of SANDBOX.md."""
    limits = job.limits
    memory = f"{limits.memory_mb}m"
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
        "environment": {RUNNER_ARGS: runner_arguments(phase, _phase_deadline(limits, phase))},
        "stdin_open": True,
        "detach": True,
    }


def runner_arguments(phase: str, deadline_s: float) -> str:
    """The runner's arguments, passed in the environment (``RUNNER_ARGS``), not on the command
    line: /proc/1/cmdline is readable by candidate code and must not tell the phases apart;
    PID 1's environment is readable only by root."""
    arguments = ["--deadline", str(deadline_s), "--drop-to", str(GRADER_UID)]
    return " ".join(arguments + (["--zygote"] if phase == "test" else []))


def _phase_deadline(limits: Any, phase: str) -> float:
    return float(limits.phase1_wall_s if phase == "execute" else limits.phase2_wall_s)


class DockerBackend:
    """Grades in containers from ``image`` (default: the tag of the current image inputs)."""

    name = "docker"

    def __init__(self, image: str | None = None, client: docker.DockerClient | None = None) -> None:
        if image is None:
            from sandbox.image.build import image_tag

            image = image_tag()
        self.image = image
        self._client = client

    @property
    def client(self) -> docker.DockerClient:
        """The engine connection, opened on first use."""
        if self._client is None:
            self._client = docker.from_env(timeout=120)
        return self._client

    def grade(self, job: GradingJob, on_progress: ProgressCallback | None = None) -> GradingResult:
        """Both phases, each in a fresh container; always a verdict."""
        return grade_in_phases(job, self._run_phase, on_progress, use_cgroup=True)

    def _run_phase(
        self, job: GradingJob, phase: str, bundle: bytes, on_progress: ProgressCallback | None
    ) -> GradingResult:
        limits = job.limits
        inner = _phase_deadline(limits, phase)
        started = time.monotonic()
        stream = RunnerStream(limits.result_bytes, on_progress)
        container = None
        try:
            container = self.client.containers.create(
                self.image, command=[], **container_settings(job, phase)
            )
            sock = container.attach_socket(
                params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            container.start()
            container_start_s = time.monotonic() - started
            stderr, killed = exchange(
                sock, frame_bundle(bundle), stream, started + inner + HOST_GRACE_S
            )
            if killed or stream.overflowed:
                with contextlib.suppress(DockerException):  # it may have exited meanwhile
                    container.kill()
            state = container.wait(timeout=30)
            oom = _oom_killed(container)
        except ImageNotFound:
            return GradingResult.failed(
                "error",
                f"the grading image {self.image} is missing; run `make image`",
                retryable=True,
            )
        except (DockerException, OSError) as exc:
            return GradingResult.failed(
                "error",
                f"the Docker engine failed: {exc}; is it running? (`make docker`)",
                duration_s=time.monotonic() - started,
                retryable=True,
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
    with contextlib.suppress(DockerException):
        container.remove(force=True)


def remove_orphans(client: docker.DockerClient | None = None, run_id: str | None = None) -> int:
    """Force-remove sandbox containers (of one run, or all); returns how many were removed."""
    client = client or docker.from_env()
    label = f"{LABEL}={run_id}" if run_id else LABEL
    containers = client.containers.list(all=True, filters={"label": label})
    for container in containers:
        _remove(container)
    return len(containers)

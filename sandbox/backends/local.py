"""Local backend: the same runner as a confined subprocess, for laptops without Docker. WEAKER.

What it adds: a private network namespace where the OS allows, rlimits, a per-run cgroup (pids,
memory) when running as root, and the runner's subreaper cleanup. What it lacks, compared with
Docker: the candidate runs as the host user and can read whatever that user can read (the exercise
folder with hidden tests included), signal that user's processes, and write outside the working
directory; there is no read-only root, no seccomp, no capability drop for non-root users, and
without cgroups memory is only bounded per process (RLIMIT_AS) and fork bombs only by RLIMIT_NPROC
(which does not apply to root). In phase 2 the candidate processes share the host user's uid
with the test process and with each other (no uid separation: candidate code can signal the test
process, which then ends as a retryable grading error, and read another candidate process's
scratch directory); tests/sandbox/test_verdict_integrity.py lists these as expected failures.
Use it for development only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sandbox.backends.base import ProgressCallback
from sandbox.backends.cgroup import RunCgroup
from sandbox.backends.stream import STDERR_KEEP, RunnerStream, host_verdict
from sandbox.backends.twophase import grade_in_phases
from sandbox.job import GradingJob
from sandbox.limits import Limits, MiB
from sandbox.results import GradingResult
from sandbox.runner.channel import frame_bundle

RUNTIME_ROOT = str(Path(__file__).resolve().parents[2])
log = logging.getLogger(__name__)
AS_SLACK = 1536 * MiB  # interpreter, runner and kernel address space that is not data


def _user_process_count() -> int:
    uid = os.getuid()
    return sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid)


def _owner(path: Path) -> int:
    try:
        return path.stat().st_uid
    except OSError:
        return -1


def _rlimits(limits: Limits, phase_s: float, cgroup: RunCgroup) -> dict[str, int]:
    rlimits = {
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
        "RLIMIT_FSIZE": limits.file_size_mb * MiB,
        "RLIMIT_CPU": int(phase_s) + 30,
    }
    if not cgroup.contains_memory:
        rlimits["RLIMIT_AS"] = limits.memory_mb * MiB + AS_SLACK
    if not cgroup.contains_forks and os.getuid() != 0:
        rlimits["RLIMIT_NPROC"] = _user_process_count() + limits.pids
    return rlimits


def _environment(scratch: Path) -> dict[str, str]:
    """A minimal environment: none of the host's variables (secrets) reach candidate code."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONPATH": RUNTIME_ROOT,
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(scratch / "matplotlib"),
        "IPYTHONDIR": str(scratch / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(scratch / "jupyter"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "TMPDIR": str(scratch),
    }


def _can_isolate_network() -> bool:
    """Whether the confine launcher can enter a private network namespace on this host."""
    spec = json.dumps({"network": True, "require_network_isolation": True})
    probe = [sys.executable, "-m", "sandbox.backends.confine", spec, "--", sys.executable, "-c", ""]
    return (
        subprocess.run(probe, capture_output=True, env={"PYTHONPATH": RUNTIME_ROOT}).returncode == 0
    )


class LocalBackend:
    """Runs each phase as a confined subprocess of this host (see the caveats above)."""

    name = "local"

    def __init__(self, isolate_network: bool = True) -> None:
        self.isolate_network = isolate_network and _can_isolate_network()
        if isolate_network and not self.isolate_network:
            log.warning(
                "local backend: no private network namespace here; candidate code has network"
            )

    def grade(self, job: GradingJob, on_progress: ProgressCallback | None = None) -> GradingResult:
        """Both phases, each in a fresh subprocess tree; always a verdict."""
        return grade_in_phases(job, self._run_phase, on_progress, use_cgroup=False)

    def close(self) -> None:
        """Nothing is kept ready: every phase starts its subprocess tree on demand."""

    def _run_phase(
        self, job: GradingJob, phase: str, bundle: bytes, on_progress: ProgressCallback | None
    ) -> GradingResult:
        limits = job.limits
        inner = limits.phase1_wall_s if phase == "execute" else limits.phase2_wall_s
        started = time.monotonic()
        scratch = Path(tempfile.mkdtemp(prefix=f"hirelab-local-{job.run_id}-"))
        cgroup = RunCgroup(
            f"hirelab-{job.run_id}-{phase}", limits.pids, limits.phase_memory_mb(phase) * MiB
        )
        spec = {
            "cgroups": [str(p) for p in cgroup.paths],
            "network": self.isolate_network,
            "rlimits": _rlimits(limits, inner, cgroup),
        }
        command = [
            sys.executable,
            "-m",
            "sandbox.backends.confine",
            json.dumps(spec),
            "--",
            sys.executable,
            "-P",
            "-m",
            "sandbox.runner",
            "--deadline",
            str(inner),
            "--workdir",
            str(scratch / "work"),
        ] + (["--zygote"] if phase == "test" else [])
        stream = RunnerStream(limits.result_bytes, on_progress)
        process = None
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=scratch,
                env=_environment(scratch),
                start_new_session=True,
            )
            stderr, killed = _exchange(process, frame_bundle(bundle), stream, started + inner + 15)
            oom = cgroup.oom_killed()
        finally:
            cgroup.close()
            shutil.rmtree(scratch, ignore_errors=True)  # fd-based: never follows planted links
        return host_verdict(
            stream,
            stderr,
            killed=killed,
            oom=oom,
            duration_s=time.monotonic() - started,
            exit_detail=f"exit status {process.returncode}",
        )
        # (Popen failing raises out of here: a host misconfiguration, not a candidate verdict)


def _exchange(
    process: subprocess.Popen[bytes], payload: bytes, stream: RunnerStream, deadline: float
) -> tuple[bytes, bool]:
    """Send the bundle, read stdout/stderr until EOF or the deadline; returns (stderr, killed)."""
    assert process.stdin and process.stdout and process.stderr
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except OSError:
        pass
    stderr, open_pipes, killed = b"", [process.stdout, process.stderr], False
    while open_pipes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            killed = True
            break
        for pipe in select.select(open_pipes, [], [], min(remaining, 1.0))[0]:
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                open_pipes.remove(pipe)
            elif pipe is process.stdout:
                stream.feed(chunk)
                if stream.overflowed:  # nothing more will be believed: stop reading
                    open_pipes = []
                    break
            elif len(stderr) < STDERR_KEEP:
                stderr += chunk
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, 9)
    process.wait()
    process.stdout.close()
    process.stderr.close()
    return stderr, killed

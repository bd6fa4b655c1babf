"""Entry point inside the sandbox: ``python -P -m sandbox.runner --deadline SECONDS [--workdir DIR]
[--zygote] [--drop-to UID]`` (or the same arguments in ``HIRELAB_RUNNER_ARGS``, so the command
line, which candidate code can read in /proc/1/cmdline, is the same in both phases).

Reads the job bundle from stdin, runs one phase in a worker process, writes JSON lines (progress,
then one result) to stdout. Everything the worker starts gets /dev/null as stdin/stdout/stderr: only
the supervisor holds the real stdout, so candidate code cannot write into the result stream.

``--zygote`` (phase 2): before anything reads the bundle, import the scientific stack and fork the
zygote that forks every candidate process. ``--drop-to UID`` (docker, started as root with a
minimal capability set): the worker becomes UID for good before it reads the bundle, and the
zygote gives each candidate process a uid of its own (``sandbox.runner.privileges``).

A container started ahead of need (``sandbox/backends/pool.py``) gets ``--idle SECONDS``: how long
it may wait for its bundle. With ``--warm-kernel`` (phase 1 only) the kernel starts, scientific
stack imported with ``--preimport``, before the bundle arrives (``warm.py``).
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from sandbox.limits import Limits
from sandbox.results import GradingResult
from sandbox.runner import channel, privileges, zygote
from sandbox.runner.supervisor import supervise

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024
MPL_CACHE = Path("/opt/mplcache")


def _prepare_run_dir(workdir: Path, notebook_name: str) -> Path:
    """A working copy of starter/ with the submission at the starter notebook's path."""
    run_dir = workdir / "run"
    starter = workdir / "starter"
    if starter.is_dir():  # run_dir may exist already: a warm kernel waits in it
        shutil.copytree(starter, run_dir, symlinks=True, dirs_exist_ok=True)
    run_dir.mkdir(exist_ok=True)
    target = run_dir / notebook_name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(workdir / "submission.ipynb", target)
    return run_dir


def _warm_matplotlib() -> None:
    """Copy the image's prebuilt font cache where matplotlib looks, so kernels don't rebuild it."""
    config = os.environ.get("MPLCONFIGDIR")
    if config and MPL_CACHE.is_dir() and not Path(config).exists():
        shutil.copytree(MPL_CACHE, config)


def _start_kernel_early(workdir: Path, preimport: bool, output_bytes: int) -> Any:
    """Phase 1's kernel, started (and connected to) in the still empty run directory before the
    bundle is read; nbformat's validators built meanwhile."""
    from sandbox.runner.capped_client import MESSAGE_SLACK
    from sandbox.runner.warm import start_warm_kernel, warm_notebook_format

    _warm_matplotlib()
    (workdir / "run").mkdir(parents=True, exist_ok=True)
    kernel = start_warm_kernel(workdir / "run", preimport, output_bytes + MESSAGE_SLACK)
    warm_notebook_format()
    return kernel


def work(
    message_fd: int,
    workdir: Path,
    args: argparse.Namespace,
    drop_to: int | None,
    warm: socket.socket | None,
) -> None:
    """The worker: one phase, one result message. With ``args.warm_kernel``, phase 1's kernel
    starts (as the dropped uid) before the bundle arrives."""
    started = time.monotonic()
    try:
        if drop_to is not None:
            privileges.drop_to(drop_to)
        kernel = None
        if args.warm_kernel:
            kernel = _start_kernel_early(workdir, args.preimport, args.output_bytes)
        data = channel.read_bundle(0, MAX_BUNDLE_BYTES)
        started = time.monotonic()
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        from sandbox.runner.bundle import extract, peek_phase

        if kernel is not None and peek_phase(data) != "execute":
            raise ValueError("a warm kernel was started for a bundle that is not phase 1")

        job = extract(data, workdir)
        del data
        _warm_matplotlib()
        run_dir = _prepare_run_dir(workdir, job.notebook_name)
        if job.phase == "execute":
            from sandbox.runner.execute import execute_notebook
            from sandbox.runner.probes import Probes

            result = execute_notebook(
                (run_dir / job.notebook_name).read_bytes(),
                run_dir,
                job.limits,
                use_cgroup=job.use_cgroup,
                on_cell=lambda i, n: channel.progress(message_fd, i, n),
                warm=kernel,
                probes=Probes.from_workdir(workdir),  # read before any cell runs
            )
        else:
            from sandbox.runner.testing import run_tests

            if warm is None:
                raise RuntimeError("phase 2 needs the zygote: start the runner with --zygote")
            result = run_tests(workdir, run_dir, job, zygote.ZygoteClient(warm))
        result = _fit(result, job.limits.notebook_bytes, job.limits.log_bytes)
    except Exception:
        result = GradingResult.failed(
            "error",
            "the grading runner failed; this is not the candidate's fault",
            logs=traceback.format_exc()[-8000:],
            retryable=True,
            duration_s=time.monotonic() - started,
        )
    channel.write_message(message_fd, {"type": "result", "result": result.to_dict()})


def _fit(result: GradingResult, notebook_bytes: int, log_bytes: int) -> GradingResult:
    """Apply the size caps of what crosses back to the host."""
    changes: dict[str, object] = {}
    if result.notebook is not None and len(result.notebook) > notebook_bytes:
        changes["notebook"] = None
        changes["logs"] = (
            result.logs + f"executed notebook over {notebook_bytes} bytes; not returned\n"
        )
    logs = str(changes.get("logs", result.logs))
    if len(logs) > log_bytes:
        changes["logs"] = (
            logs[: log_bytes // 2] + "\n[... logs truncated ...]\n" + logs[-log_bytes // 2 :]
        )
    return result.with_changes(**changes) if changes else result


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, hide the real stdout from every child, and supervise the worker."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.runner")
    parser.add_argument(
        "--deadline", type=float, required=True, help="seconds before the phase is stopped"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/work"))
    parser.add_argument("--zygote", action="store_true", help="phase 2: fork candidates warm")
    parser.add_argument("--drop-to", type=int, default=None, help="uid of the worker (as root)")
    parser.add_argument(
        "--idle", type=float, default=0.0, help="seconds to wait for the bundle (pre-started)"
    )
    parser.add_argument(
        "--warm-kernel", action="store_true", help="phase 1: start the kernel before the bundle"
    )
    parser.add_argument(
        "--output-bytes",
        type=int,
        default=Limits.output_bytes,
        help="with --warm-kernel: the exercise's output budget (its client's message cap)",
    )
    parser.add_argument(
        "--preimport",
        action="store_true",
        help="with --warm-kernel: import the scientific stack; with --zygote: the kernel's modules",
    )
    from_environment = os.environ.pop("HIRELAB_RUNNER_ARGS", "").split()  # docker backend
    args = parser.parse_args(argv if argv is not None else (from_environment or sys.argv[1:]))
    privileged = args.drop_to is not None and privileges.running_as_root()
    out_fd = os.dup(1)  # non-inheritable: children never get the result stream
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    args.workdir.mkdir(parents=True, exist_ok=True)
    warm = None
    if args.zygote:  # warmed while a pre-started container still waits for its bundle
        warm = _start_zygote(args.workdir, privileged, args.preimport)
    drop_to = args.drop_to if privileged else None
    deadline = args.deadline
    if args.warm_kernel:  # the worker waits for its bundle inside the supervised time
        deadline += args.idle
    elif args.idle and not select.select([0], [], [], args.idle)[0]:
        return 0  # nobody came for this pre-started sandbox
    supervise(lambda fd: work(fd, args.workdir, args, drop_to, warm), out_fd, deadline)
    return 0


def _start_zygote(workdir: Path, privileged: bool, kernel_like: bool) -> socket.socket:
    """Import the stack, close the shared directories (as root), fork the zygote; warm the rest
    (pytest with its plugins, nbformat's validator) for the test process, forked later."""
    zygote.warm_imports(kernel_like)
    zygote.freeze_heap()  # before the zygote's fork: its children's collections skip the stack
    grader_tmp = Path("/tmp/grader")
    if privileged:
        privileges.close_shared_dirs(grader_tmp)
        scratch_root = Path("/tmp/candidates")
    else:
        scratch_root = workdir.parent / f"{workdir.name}-candidates"
    client = zygote.start(scratch_root, privileged)  # with the environment phase 1's kernel gets
    if privileged:  # the test process's own temporary files, in a directory only it can use
        os.environ["MPLCONFIGDIR"] = str(grader_tmp / "matplotlib")
        os.environ["TMPDIR"] = str(grader_tmp)
    from sandbox.runner.testing import warm_test_process

    warm_test_process()
    zygote.freeze_heap()
    return client


if __name__ == "__main__":
    # The result is written and every other sandbox process is gone: exit at once. Interpreter
    # finalization (tearing down the scientific stack phase 2's zygote parent imported: ~0.3 s)
    # would only delay the end of the phase the host is waiting for.
    os._exit(main())

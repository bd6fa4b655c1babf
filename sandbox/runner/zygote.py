"""The phase-2 zygote: a warm parent that forks every candidate process.

The runner starts it before anything reads the job bundle, after importing the scientific stack
(``WARM_MODULES``), so it has never seen hidden bytes and a candidate process costs a fork instead
of an interpreter start plus numpy/pandas/scikit-learn imports. The test process talks to it over a
socketpair: ``spawn`` returns the test side of two fresh pipes (passed as file descriptors) plus
the child's pid; ``kill`` ends a child and everything it started. With privileges (the docker
backend) each child runs under a uid of its own in a private scratch directory (``privileges``);
the zygote itself keeps the capabilities and is unreachable by those uids.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from sandbox.runner import privileges
from sandbox.runner.warm import WARM_MODULES as KERNEL_MODULES

WARM_MODULES = ("numpy", "pandas", "scipy.stats", "sklearn", "sklearn.pipeline", "sklearn.metrics")
# With the memory for them (``Limits.preimport_stack``, as phase 1's kernel): the kernel's imports
# (``warm.py``) and the kernel's own, so a candidate process finds in sys.modules what a kernel
# would, and costs a fork, not the imports.
KERNEL_LIKE_MODULES = (*KERNEL_MODULES, "IPython", "ipykernel.kernelapp", "ipykernel.zmqshell")
MAX_REQUEST = 64 * 1024


def warm_imports(kernel_like: bool = False) -> None:
    """Import the scientific stack once (each module only if installed); ``kernel_like``: all
    that phase 1's warm kernel holds."""
    for name in KERNEL_LIKE_MODULES if kernel_like else WARM_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def freeze_heap() -> None:
    """Move every object alive now to the collector's permanent generation (``gc.freeze``, for a
    parent about to fork): a child's collections no longer walk the imported stack (pytest's
    end-of-session ``gc.collect()`` cost ~0.25 s of a trivial grading's phase 2), and its pages
    stay shared with the parent instead of being copied when the collector touches them."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class Spawned:
    """The test side of a new candidate process."""

    pid: int
    to_child: int
    from_child: int


class ZygoteClient:
    """The test process's end of the zygote socket."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def spawn(self, run_dir: Path) -> Spawned:
        """A new candidate process whose scratch directory starts as a copy of ``run_dir``."""
        self._sock.sendall(json.dumps({"op": "spawn", "run_dir": str(run_dir)}).encode() + b"\n")
        message, fds, _, _ = socket.recv_fds(self._sock, MAX_REQUEST, 2)
        reply = json.loads(message)
        if "error" in reply or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise OSError(f"the zygote could not start a candidate process: {reply.get('error')}")
        return Spawned(int(reply["pid"]), fds[0], fds[1])

    def kill(self, pid: int) -> int | None:
        """Kill candidate ``pid`` and everything running under its uid; its wait status."""
        self._sock.sendall(json.dumps({"op": "kill", "pid": pid}).encode() + b"\n")
        reply = json.loads(self._sock.recv(MAX_REQUEST) or b"{}")
        status = reply.get("status")
        return int(status) if isinstance(status, int) else None


def start(scratch_root: Path, privileged: bool) -> socket.socket:
    """Fork the zygote; returns the client end (the zygote keeps the other)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        ours.close()
        code = 0
        try:
            _serve(theirs, scratch_root, privileged)
        except BaseException:
            code = 70
        os._exit(code)
    theirs.close()
    return ours


def _serve(sock: socket.socket, scratch_root: Path, privileged: bool) -> None:
    """Answer spawn/kill requests until the test process goes away."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    privileges.set_dumpable(False)
    scratch_root.mkdir(mode=0o711, parents=True, exist_ok=True)
    children: dict[int, int] = {}  # pid -> uid
    spawned = 0  # every child gets a uid (and scratch directory) never used before
    stream = sock.makefile("rb")
    for line in stream:
        request = json.loads(line)
        if request.get("op") == "spawn":
            spawned += 1
            uid = privileges.CANDIDATE_UID_BASE + spawned
            try:
                pid, to_child, from_child = _fork_candidate(
                    sock, Path(request["run_dir"]), scratch_root, uid, privileged
                )
            except OSError as exc:
                sock.sendall(json.dumps({"error": str(exc)}).encode())
                continue
            children[pid] = uid
            socket.send_fds(sock, [json.dumps({"pid": pid}).encode()], [to_child, from_child])
            os.close(to_child)
            os.close(from_child)
        elif request.get("op") == "kill":
            pid = int(request["pid"])
            status = _end(pid, children.pop(pid, None), privileged) if pid in children else None
            sock.sendall(json.dumps({"status": status}).encode())
    for pid, uid in children.items():
        _end(pid, uid, privileged)


def _fork_candidate(
    sock: socket.socket, run_dir: Path, scratch_root: Path, uid: int, privileged: bool
) -> tuple[int, int, int]:
    """Fork one candidate process; returns (pid, test->child write end, child->test read end)."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            sock.close()
            os.close(to_child_w)
            os.close(from_child_r)
            os.setsid()
            scratch = privileges.enter_candidate(scratch_root, run_dir, uid, privileged)
            from sandbox.runner.candidate import serve

            serve(to_child_r, from_child_w, scratch, keep_fds=(to_child_r, from_child_w))
        except BaseException:
            code = 70
        os._exit(code)
    os.close(to_child_r)
    os.close(from_child_w)
    return pid, to_child_w, from_child_r


def _end(pid: int, uid: int | None, privileged: bool) -> int | None:
    """SIGKILL the child's session and (with privileges) every process of its uid; reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if privileged and uid is not None:
        privileges.kill_uid(uid)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    _reap()
    return status


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main_module_clean() -> None:
    """Forget the runner's modules, so ``sys.modules`` shows no grader (phase 1 has none)."""
    for name in [n for n in sys.modules if n == "sandbox" or n.startswith("sandbox.")]:
        del sys.modules[name]

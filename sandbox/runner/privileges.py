"""Uid separation inside the container (docker backend; the local backend runs unprivileged).

The container starts as root with only CAP_SETUID, CAP_SETGID, CAP_KILL and CAP_CHOWN (plus
no-new-privileges and a read-only root). PID 1 (the supervisor) keeps them to kill everything at
the end; the worker (phase 1's executor, phase 2's test process) drops to ``GRADER_UID`` for good
before it reads the bundle; the zygote keeps them to give each candidate process a uid of its own
(``CANDIDATE_UID_BASE + n``) and a private scratch directory, then the child drops them for good.
Setting all uids away from 0 clears every capability (no keep-caps), so none survive the drop.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
from pathlib import Path

GRADER_UID = 10001
CANDIDATE_UID_BASE = 20000
PR_SET_DUMPABLE = 4
MPL_CACHE = Path("/opt/mplcache")  # the image's prebuilt matplotlib font cache
# Directories candidate code could otherwise share (or use to reach another process's files).
SHARED_DIRS = ("/tmp", "/dev/shm")


def set_dumpable(value: bool) -> None:
    """prctl(PR_SET_DUMPABLE): a non-dumpable process cannot be ptraced or read via /proc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, int(value), 0, 0, 0)


def drop_to(uid: int) -> None:
    """Become ``uid`` (gid the same) for good: no supplementary groups, no capabilities left."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError(f"could not drop to uid {uid}")


def close_shared_dirs(grader_tmp: Path) -> None:
    """As root in phase 2: no world-writable directory remains; the grader gets its own tmp."""
    grader_tmp.mkdir(mode=0o700, exist_ok=True)
    os.chown(grader_tmp, GRADER_UID, GRADER_UID)
    for shared in SHARED_DIRS:
        with contextlib.suppress(OSError):
            if os.stat(shared).st_uid == 0:
                os.chmod(shared, 0o711)


def enter_candidate(scratch_root: Path, run_dir: Path, uid: int, privileged: bool) -> Path:
    """In a freshly forked candidate child: make its scratch copy of ``run_dir``, become ``uid``."""
    scratch = scratch_root / f"c{uid}"
    scratch.mkdir(mode=0o700)
    if privileged:
        os.chown(scratch, uid, uid)
        drop_to(uid)
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as adj:
        adj.write("1000")  # the OOM killer takes candidate code, not the grader
    work = scratch / "work"
    shutil.copytree(run_dir, work, symlinks=True)
    for name in ("home", "tmp"):
        (scratch / name).mkdir()
    if MPL_CACHE.is_dir():
        with contextlib.suppress(OSError):
            shutil.copytree(MPL_CACHE, scratch / "home" / ".matplotlib")
    os.environ["HOME"] = str(scratch / "home")
    if "TMPDIR" in os.environ:
        os.environ["TMPDIR"] = str(scratch / "tmp")
    if "MPLCONFIGDIR" in os.environ:
        os.environ["MPLCONFIGDIR"] = str(scratch / "home" / ".matplotlib")
    os.chdir(work)
    return work


def kill_uid(uid: int) -> None:
    """SIGKILL every process whose real uid is ``uid`` (a candidate and all it started)."""
    for _ in range(50):
        victims = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _real_uid(entry) == uid:
                victims.append(int(entry))
        if not victims:
            return
        for pid in victims:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _real_uid(pid: str) -> int | None:
    """The real uid from /proc/PID/status (the directory's owner is root for non-dumpable ones)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def running_as_root() -> bool:
    """Whether this process may set up uid separation (docker backend)."""
    return sys.platform.startswith("linux") and os.geteuid() == 0

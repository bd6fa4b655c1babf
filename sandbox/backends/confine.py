"""Launcher of the local backend: ``python -m sandbox.backends.confine SPEC_JSON -- COMMAND...``.

Applies what confinement this OS allows to itself, then execs COMMAND: join the run's cgroups, a
private network namespace with only loopback (``unshare(CLONE_NEWNET)``, with a user namespace when
not root), rlimits, no_new_privs. A separate process rather than ``preexec_fn``, which is unsafe in
a threaded host such as a web worker.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import socket
import struct
import sys

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_NO_NEW_PRIVS = 38
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def private_network() -> bool:
    """Enter a new network namespace and bring its loopback up (kernels talk over 127.0.0.1)."""
    libc = _libc()
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWNET | CLONE_NEWUSER
    if libc.unshare(flags) != 0:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        current = struct.unpack("16sh", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh", b"lo", current | IFF_UP))
    return True


def apply_rlimits(spec: dict[str, int]) -> None:
    """Set each rlimit named in ``spec`` (soft = hard)."""
    for name, value in spec.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def main(argv: list[str]) -> None:
    """Confine this process as ``argv[0]`` (JSON) says, then exec the command after ``--``."""
    spec = json.loads(argv[0])
    command = argv[argv.index("--") + 1 :]
    for path in spec.get("cgroups", []):
        with open(os.path.join(path, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    if spec.get("network") and not private_network() and spec.get("require_network_isolation"):
        sys.exit(
            "local backend: cannot create a private network namespace here; use the docker backend"
        )
    apply_rlimits(spec.get("rlimits", {}))
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Unpack the job bundle (a tar the host sent on stdin) into the sandbox's working directory.

Layout inside the tar: ``job.json``, ``starter/...``, ``submission.ipynb``, the exercise's
``crosscheck.py`` if it has one (both phases) and, in phase 2 only,
``hidden/tests/...`` and ``hidden/data/...``. Only regular files and directories are extracted, with
normalised relative names (the image's Python 3.11.2 predates tarfile's extraction filters).
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sandbox.limits import Limits


@dataclass(frozen=True)
class Job:
    """What the host asked the runner to do."""

    phase: str  # "execute" | "test"
    notebook_name: str
    limits: Limits
    execution: dict[str, Any]  # phase 1's summary, for the `execution` fixture in phase 2
    use_cgroup: bool


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"unsafe path in job bundle: {name!r}")
    return path


def peek_phase(data: bytes) -> str:
    """The phase ``job.json`` names, read before anything is extracted."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for member in tar:
            if member.isfile() and member.name == "job.json":
                source = tar.extractfile(member)
                assert source is not None
                return str(json.loads(source.read())["phase"])
    raise ValueError("job bundle has no job.json")


def extract(data: bytes, root: Path) -> Job:
    """Write the bundle's files under ``root`` and return the job description."""
    job: dict[str, Any] | None = None
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for member in tar:
            name = _safe_name(member.name)
            if member.isdir():
                (root / name).mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                source = tar.extractfile(member)
                assert source is not None
                content = source.read()
                if str(name) == "job.json":
                    job = json.loads(content)
                    continue
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
                with os.fdopen(fd, "wb") as out:
                    out.write(content)
    if job is None:
        raise ValueError("job bundle has no job.json")
    return Job(
        phase=job["phase"],
        notebook_name=job["notebook_name"],
        limits=Limits.from_dict(job["limits"]),
        execution=job.get("execution") or {},
        use_cgroup=bool(job.get("use_cgroup", True)),
    )

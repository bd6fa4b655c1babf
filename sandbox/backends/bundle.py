"""Build the tar a sandbox phase receives on stdin (see sandbox/runner/bundle.py for the layout).

Hidden files travel only in this stream, never in a bind mount, so they exist inside the sandbox
only where the runner puts them and only for as long as it keeps them.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path
from typing import Any

from sandbox.job import GradingJob


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _add_tree(tar: tarfile.TarFile, source: Path, prefix: str) -> None:
    """Add the regular files under ``source`` (exercise data, trusted); links are skipped."""
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            _add_bytes(tar, f"{prefix}/{path.relative_to(source).as_posix()}", path.read_bytes())


def build_bundle(
    job: GradingJob,
    phase: str,
    notebook: bytes,
    execution: dict[str, Any] | None = None,
    *,
    use_cgroup: bool = True,
) -> bytes:
    """The tar for ``phase`` ("execute" or "test"); only the test phase carries hidden files."""
    spec = {
        "phase": phase,
        "notebook_name": job.notebook_name,
        "limits": job.limits.to_dict(),
        "execution": execution or {},
        "use_cgroup": use_cgroup,
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add_bytes(tar, "job.json", json.dumps(spec).encode())
        _add_bytes(tar, "submission.ipynb", notebook)
        if job.crosscheck is not None:
            _add_bytes(tar, "crosscheck.py", job.crosscheck)
        if job.starter_dir.is_dir():
            _add_tree(tar, job.starter_dir, "starter")
        if phase == "test" and job.hidden_dir is not None:
            for part in ("tests", "data"):
                if (job.hidden_dir / part).is_dir():
                    _add_tree(tar, job.hidden_dir / part, f"hidden/{part}")
    return buffer.getvalue()

"""Builders shared by the sandbox tests: notebooks from cell sources, jobs on the tiny exercise."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from sandbox.backends.base import Backend
from sandbox.job import GradingJob
from sandbox.limits import Limits
from sandbox.results import GradingResult

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "exercises" / "tiny"
FAST = Limits(
    cell_timeout_s=5,
    notebook_timeout_s=15,
    call_timeout_s=5,
    tests_timeout_s=30,
    memory_mb=256,
    pids=64,
    startup_grace_s=20,
    work_disk_mb=64,
    tmp_disk_mb=32,
    shm_mb=32,
    output_bytes=256 * 1024,
)
SESSION = (
    f"pytest-{os.getpid()}"  # prefix of this session's run ids, so the leftover check is ours only
)


def run_id() -> str:
    """A run id (container label value) that belongs to this test session."""
    return f"{SESSION}-{uuid.uuid4().hex[:12]}"


def notebook(*cells: str, metadata: dict[str, Any] | None = None) -> bytes:
    """A notebook whose code cells are ``cells``."""
    nb = new_notebook(cells=[new_code_cell(c) for c in cells], metadata=metadata or {})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"c{index}"
    return nbformat.writes(nb).encode()


def job(source: bytes, *, hidden: bool = False, **limits: Any) -> GradingJob:
    """A job on the tiny exercise (hidden tests only when ``hidden``), with FAST limits."""
    return GradingJob(
        notebook=source,
        notebook_name="tiny.ipynb",
        starter_dir=TINY / "starter",
        hidden_dir=TINY / "hidden" if hidden else None,
        limits=dataclasses.replace(FAST, **limits) if limits else FAST,
        run_id=run_id(),
    )


def outputs_text(result: GradingResult) -> str:
    """All text outputs of the executed notebook."""
    assert result.notebook is not None, result
    nb = nbformat.reads(result.notebook.decode(), as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
            parts.append(" ".join(output.get("traceback", [])))
    return "".join(parts)


def passing_reference() -> bytes:
    """The tiny exercise's full-marks notebook."""
    return (TINY / "reference" / "full-marks.ipynb").read_bytes()


def host_processes_matching(marker: str) -> list[str]:
    """Command lines of host processes containing ``marker`` (containers' processes included)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue
            if marker in cmdline:
                found.append(cmdline)
    return found


def assert_next_run_clean(backend: Backend, limits: Limits = FAST) -> None:
    """A trivial notebook right after an attack still gets a clean, quick verdict."""
    result = backend.grade(job(notebook("print(6 * 7)")))
    assert result.status == "completed", result.message
    assert "42" in outputs_text(result)
    assert result.duration_s < 15, result.duration_s
    leftovers = [str(p) for p in Path("/sys/fs/cgroup").glob(f"*/**/hirelab-{SESSION}-*")]
    leftovers += [str(p) for p in Path(tempfile.gettempdir()).glob(f"hirelab-local-{SESSION}-*")]
    assert not leftovers, f"runs left state on the host: {leftovers}"


def require_docker() -> tuple[Any, str]:
    """(client, grading image tag), or FAIL (never skip) saying what to run."""
    import docker
    from docker.errors import DockerException

    from sandbox.image.build import build

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except DockerException as exc:
        pytest.fail(
            f"Docker engine not reachable ({exc}): run `make docker`, then `make image`",
            pytrace=False,
        )
    try:
        return client, build()
    except Exception as exc:
        client.close()
        pytest.fail(
            f"grading image missing and could not be built ({exc}): run `make image`", pytrace=False
        )


def tiny_with_tests(tmp_path: Path, source: str, name: str) -> Path:
    """A copy of the tiny exercise with one more hidden test module ``name``."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "hidden" / "tests" / name).write_text(source)
    return folder


def grade_with_hidden(
    backend: Backend, folder: Path, submission: bytes, limits: Limits = FAST
) -> GradingResult:
    """Grade ``submission`` on the exercise in ``folder`` (both phases, FAST limits unless told;
    with its cross-check when the folder has a ``crosscheck.py``)."""
    probes = folder / "crosscheck.py"
    return backend.grade(
        GradingJob(
            notebook=submission,
            notebook_name="tiny.ipynb",
            starter_dir=folder / "starter",
            hidden_dir=folder / "hidden",
            limits=limits,
            run_id=run_id(),
            crosscheck=probes.read_bytes() if probes.is_file() else None,
        )
    )

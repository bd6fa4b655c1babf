"""Phase 1's side of the cross-check (``crosscheck.py``): run the probes, keep the record.

The probe cell runs after the notebook's last cell, outside the notebook (its outputs never reach
the executed notebook), in the notebook's own kernel while it is alive and idle, else in a fresh
kernel. Whatever goes wrong, the record exists; a probe without an answer in it counts as phase 1
not answering, which contradicts a phase 2 that answered.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from sandbox.limits import Limits
from sandbox.runner import crosscheck
from sandbox.runner.capped_client import CappedNotebookClient

PROBE_OUTPUT_BYTES = 2 * crosscheck.MAX_RECORD_BYTES
RUNNER_ROOT = str(Path(crosscheck.__file__).resolve().parents[2])


@dataclass(frozen=True)
class Probes:
    """The exercise's probe module and the starter files its inputs derive from (read before any
    candidate code ran)."""

    spec_source: bytes
    starter: Mapping[str, bytes]

    @classmethod
    def from_workdir(cls, workdir: Path) -> Probes | None:
        """The probes of the bundle in ``workdir``, or None when the exercise declares none."""
        path = workdir / crosscheck.SPEC_FILE
        if not path.is_file():
            return None
        source = path.read_bytes()
        spec = crosscheck.load_spec(source)
        assert spec is not None
        starter = {
            name: (workdir / "starter" / name).read_bytes()
            for name in spec.get("STARTER_FILES", ())
            if (workdir / "starter" / name).is_file()
        }
        return cls(source, starter)

    def _cell(self, cells: list[str]) -> tuple[str, int, str]:
        return crosscheck.kernel_cell(self.spec_source, self.starter, cells, RUNNER_ROOT)

    def in_kernel(
        self, client: CappedNotebookClient, cells: list[str], limits: Limits, budget: dict
    ) -> dict[str, Any]:
        """Probe the notebook's kernel (alive, idle, the cells finished)."""
        started = time.monotonic()
        source, seed, nonce = self._cell(cells)
        cell = new_code_cell(source)
        budget["end"] = time.monotonic() + limits.call_timeout_s
        client.output_budget = max(client.output_budget, PROBE_OUTPUT_BYTES)
        with contextlib.suppress(Exception):
            client.execute_cell(cell, 0, store_history=False)
        seconds = time.monotonic() - started
        return crosscheck.record_from_text(_stdout(cell), nonce, seed, seconds)

    def in_fresh_kernel(self, cwd: Path, cells: list[str], limits: Limits) -> dict[str, Any]:
        """Probe a new kernel (the notebook's timed out, died or ran out of memory)."""
        started = time.monotonic()
        source, seed, nonce = self._cell(cells)
        nb = new_notebook(cells=[new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        client = CappedNotebookClient(
            nb,
            PROBE_OUTPUT_BYTES,
            kernel_name="python3",
            timeout=int(limits.call_timeout_s),
            startup_timeout=int(limits.startup_grace_s),
            shutdown_kernel="immediate",
            allow_errors=True,
            resources={"metadata": {"path": str(cwd)}},
        )
        with contextlib.suppress(Exception):
            client.execute(cwd=str(cwd))
        seconds = time.monotonic() - started
        return crosscheck.record_from_text(_stdout(nb.cells[0]), nonce, seed, seconds)


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(
        str(output.get("text", ""))
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stdout"
    )

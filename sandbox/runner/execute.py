"""Phase 1: execute the candidate notebook with nbclient in a sandbox holding no hidden material.

The kernel is forced to python3 whatever the notebook says, every cell has a timeout bounded by the
whole-notebook budget, outputs are capped, and execution stops at the first cell that raises. Every
way it can end maps to a verdict with a message a candidate understands.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from sandbox.limits import Limits
from sandbox.results import GradingResult, Timings
from sandbox.runner.capped_client import MESSAGE_SLACK, CappedNotebookClient
from sandbox.runner.oom import OomCounter
from sandbox.runner.probes import Probes
from sandbox.runner.warm import WarmKernel

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def execute_notebook(
    notebook: bytes,
    cwd: Path,
    limits: Limits,
    *,
    use_cgroup: bool,
    on_cell: Callable[[int, int], None],
    warm: WarmKernel | None = None,
    probes: Probes | None = None,
) -> GradingResult:
    """Run every cell of ``notebook`` in ``cwd``; ``on_cell(i, n)`` runs as code cell i starts.

    ``warm``: a kernel already started in ``cwd`` (``warm.py``); else one starts here.
    ``probes``: the exercise's cross-check, run once the cells have finished (``crosscheck.py``).
    """
    started = time.monotonic()
    nb = nbformat.reads(notebook.decode("utf-8"), as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    total = len(code_cells)
    # The whole-notebook budget starts once the kernel is up: its start-up is not the candidate's.
    budget = {"end": started + limits.notebook_timeout_s + limits.startup_grace_s}
    position = {index: n + 1 for n, index in enumerate(code_cells)}
    client = CappedNotebookClient(
        nb,
        limits.output_bytes,
        kernel_name="python3",
        timeout=int(limits.cell_timeout_s),
        timeout_func=lambda cell: max(
            1, int(min(limits.cell_timeout_s, budget["end"] - time.monotonic()))
        ),
        startup_timeout=int(limits.startup_grace_s),
        shutdown_kernel="immediate",
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
        **({} if warm is None else {"km": warm.manager}),
    )
    if warm is not None:  # its client carries this message cap (else nbclient creates one)
        warm.manager.max_message_bytes = limits.output_bytes + MESSAGE_SLACK
        if warm.message_bytes == warm.manager.max_message_bytes:
            client.kc = warm.client
    oom = OomCounter(enabled=use_cgroup)
    state = {"done": 0, "current": 0}
    kernel_s = cells_s = 0.0
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    kept: dict[str, Any] = {"notebook": None, "record": None}

    def outcome(status: str, message: str, error: str | None = None) -> GradingResult:
        if kept["record"] is None and probes is not None:  # the notebook's kernel is gone
            kept["notebook"] = nbformat.writes(nb).encode()
            kept["record"] = probes.in_fresh_kernel(cwd, cells, limits)
        return GradingResult(
            status=status,
            message=message,
            notebook=kept["notebook"] or nbformat.writes(nb).encode(),
            crosscheck=kept["record"],
            duration_s=time.monotonic() - started,
            cells_total=total,
            cells_executed=state["done"],
            execution_status=status,
            execution_error=error,
            timings=Timings(
                kernel_start_s=kernel_s,
                cells_s=cells_s,
                crosscheck_s=float((kept["record"] or {}).get("seconds", 0.0)),
            ),
            logs="outputs truncated at the size cap\n" if client.outputs_truncated else "",
        )

    try:
        with client.setup_kernel(cwd=str(cwd)):
            assert client.kc is not None
            _kernel_first_for_oom(client)
            client.wait_for_reply(client.kc.kernel_info())
            kernel_s = time.monotonic() - started
            budget["end"] = time.monotonic() + limits.notebook_timeout_s
            try:
                for index, cell in enumerate(nb.cells):
                    if index in position:
                        state["current"] = position[index]
                        on_cell(position[index], total)
                        if time.monotonic() >= budget["end"]:
                            raise CellTimeoutError("notebook budget exhausted")
                    client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                    if index in position:
                        state["done"] += 1
            except CellExecutionError:
                if probes is not None:  # the kernel is alive and idle: probe it before it goes
                    cells_s = time.monotonic() - started - kernel_s
                    kept["notebook"] = nbformat.writes(nb).encode()
                    kept["record"] = probes.in_kernel(client, cells, limits, budget)
                raise
            cells_s = time.monotonic() - started - kernel_s
            if probes is not None:  # the notebook as executed, before the probe runs
                kept["notebook"] = nbformat.writes(nb).encode()
                kept["record"] = probes.in_kernel(client, cells, limits, budget)
    except CellTimeoutError:
        cells_s = time.monotonic() - started - kernel_s
        if time.monotonic() >= budget["end"] - 1:
            text = f"the notebook exceeded its {limits.notebook_timeout_s:g}-second time budget"
        else:
            text = f"a cell exceeded the {limits.cell_timeout_s:g}-second cell time limit"
        where = f"cell {state['current']}"
        return outcome("timeout", f"{where}: {text}; it was stopped", f"{where}: timeout")
    except DeadKernelError:
        cells_s = time.monotonic() - started - kernel_s
        where = f"cell {state['current']}"
        if oom.fired():
            return outcome(
                "memory_exceeded",
                f"{where}: the notebook used more than "
                f"{limits.memory_mb} MiB of memory and was killed",
                f"{where}: out of memory",
            )
        return outcome(
            "crashed",
            f"{where}: the Python kernel died (it was killed or exited)",
            f"{where}: kernel died",
        )
    except CellExecutionError as exc:
        cells_s = cells_s or time.monotonic() - started - kernel_s
        where = f"cell {state['current']}"
        error = f"{where}: {exc.ename}: {exc.evalue}"[:2000]
        if exc.ename == "MemoryError" or oom.fired():
            return outcome(
                "memory_exceeded",
                f"{where}: the notebook ran out of memory (limit {limits.memory_mb} MiB)",
                error,
            )
        return outcome("error", f"the notebook raised an error in {error}", error)
    return outcome("completed", f"all {total} code cells ran without errors")


def _kernel_first_for_oom(client: CappedNotebookClient) -> None:
    """Make the kernel (candidate code) the OOM killer's first choice, so the runner survives a
    memory blow-up or an output flood and still reports the executed notebook."""
    pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
    if pid:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/oom_score_adj", "w") as adj:
            adj.write("1000")

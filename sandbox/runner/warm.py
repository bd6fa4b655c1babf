"""Phase 1's kernel, started before the submission arrives, with the scientific stack imported.

The kernel process imports numpy, pandas, scikit-learn and matplotlib *before* IPython starts (the
launcher below, in place of ``ipykernel_launcher``), so the imports bind no name in the notebook's
namespace and add nothing to its history or execution counts: the candidate's own ``import`` cell
finds the modules in ``sys.modules`` and costs milliseconds. The kernel is still a fresh process of
a single-use sandbox; only the image's own packages are in it, no candidate's or grader's bytes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

from sandbox.runner.capped_client import CappedKernelManager

WARM_MODULES = (
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn.compose",
    "sklearn.ensemble",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.tree",
    "matplotlib.pyplot",  # the image sets MPLBACKEND=Agg, so this picks no GUI backend
)

READY_S = 60.0  # how long a warm kernel may take to answer before the bundle is read anyway

# ipykernel_launcher's own steps (drop the cwd from sys.path; IPython adds it back), then imports.
LAUNCHER = """
import sys
from pathlib import Path
if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
    del sys.path[0]
for _name in {modules!r}:
    try:
        __import__(_name)
    except Exception:
        pass
import gc
gc.collect()
gc.freeze()  # as phase 2's zygote does: later collections do not walk the imported stack
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


@dataclass(frozen=True)
class WarmKernel:
    """A kernel started before the bundle, and (once it answered) a client connected to it whose
    sockets refuse messages over ``message_bytes``."""

    manager: Any
    client: Any  # None when the kernel did not answer in time: nbclient connects (or fails) later
    message_bytes: int


def start_warm_kernel(cwd: Path, preimport: bool, message_bytes: int) -> WarmKernel:
    """Launch the python3 kernel process in ``cwd`` (the stack pre-imported when ``preimport``)
    and connect a client to it, both before the bundle arrives: the connection's handshake
    (kernel_info, then jupyter_client's 0.2 s IOPub flush) leaves the grading's critical path.
    A kernel that does not answer within ``READY_S`` gets no client here; nbclient connects to it
    once the bundle is here, with the phase's own start-up timeout, and fails exactly as a
    kernel started then would."""
    launcher = LAUNCHER.format(modules=WARM_MODULES if preimport else ())
    manager = CappedKernelManager(kernel_name="python3")
    manager.max_message_bytes = message_bytes
    assert manager.kernel_spec is not None  # python3 is the image's kernel
    manager.kernel_spec.argv = [sys.executable, "-c", launcher, "-f", "{connection_file}"]
    run_sync(manager.start_kernel)(
        cwd=str(cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"]
    )
    client = manager.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=READY_S)
    except RuntimeError:  # died, or slower than READY_S
        client.stop_channels()
        client = None
    else:
        client.allow_stdin = False  # as nbclient sets it on the clients it connects
    return WarmKernel(manager, client, message_bytes)


def warm_notebook_format() -> None:
    """Build nbformat's schema validator for every v4 minor version now (fastjsonschema compiles
    each on first use: ~40 ms), in a process that has not read any bundle yet."""
    import nbformat.v4
    import nbformat.validator

    for minor in range(nbformat.v4.nbformat_minor + 1):
        nbformat.validator.get_validator(4, minor)

"""Phase 1's kernel, started before the submission arrives, with the scientific stack imported.

The kernel process imports numpy, pandas, scikit-learn and matplotlib *before* IPython starts (the
launcher below, in place of ``ipykernel_launcher``), so the imports bind no name in the notebook's
namespace and add nothing to its history or execution counts: the candidate's own ``import`` cell
finds the modules in ``sys.modules`` and costs milliseconds. The kernel is still a fresh process of
a single-use sandbox; only the image's own packages are in it, no candidate's or grader's bytes.
"""

from __future__ import annotations

import sys
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
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


def start_warm_kernel(cwd: Path, preimport: bool) -> Any:
    """Launch the python3 kernel process in ``cwd`` (the stack pre-imported when ``preimport``);
    returns its manager at once. nbclient connects to it once the bundle is here, with the phase's
    own start-up timeout: a kernel that never comes up fails exactly as one started then would."""
    launcher = LAUNCHER.format(modules=WARM_MODULES if preimport else ())
    manager = CappedKernelManager(kernel_name="python3")
    assert manager.kernel_spec is not None  # python3 is the image's kernel
    manager.kernel_spec.argv = [sys.executable, "-c", launcher, "-f", "{connection_file}"]
    run_sync(manager.start_kernel)(
        cwd=str(cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"]
    )
    return manager

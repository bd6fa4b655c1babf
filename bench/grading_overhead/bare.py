"""One bare grading: the same two phases in plain host processes, no container and no confinement.

``python bench/grading_overhead/bare.py EXERCISE_DIR NOTEBOOK NAME LIMITS_JSON`` prints timings.
Phase 1 executes the notebook with nbclient (fresh python3 kernel, starter copied next to it);
phase 2 runs the hidden suite with pytest and the same plugin (definitions-only candidate process),
in a fresh process like the sandbox's second container. Limits are the exercise's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sandbox.limits import Limits  # noqa: E402

PHASE_TWO = """
import json, sys, time
from pathlib import Path
from sandbox.limits import Limits
from sandbox.runner.bundle import Job
from sandbox.runner import zygote
from sandbox.runner.testing import run_tests
work, run_dir, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
limits = json.loads(sys.argv[4])
job = Job("test", name, Limits.from_dict(limits), {"status": "completed"}, False)
zygote.warm_imports()  # as the runner does before it reads a bundle
candidates = zygote.ZygoteClient(zygote.start(work.parent / "candidates", privileged=False))
result = run_tests(work, run_dir, job, candidates)
print(json.dumps({"passed": sum(t.outcome == "passed" for t in result.tests),
                  "tests": len(result.tests), "status": result.status,
                  "tests_s": result.timings.tests_s}))
"""


def grade_bare(
    exercise: Path, notebook: Path, notebook_name: str, limits: Limits
) -> dict[str, float]:
    """Run both phases bare in a temporary directory; returns timings in seconds."""
    from sandbox.runner.execute import execute_notebook

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hirelab-bare-") as tmp:
        work = Path(tmp)
        run_dir = work / "run"
        shutil.copytree(exercise / "starter", run_dir)
        shutil.copyfile(notebook, run_dir / notebook_name)
        first = execute_notebook(
            notebook.read_bytes(), run_dir, limits, use_cgroup=False, on_cell=lambda i, n: None
        )
        executed = time.monotonic()
        shutil.copytree(exercise / "starter", work / "starter")
        shutil.copytree(exercise / "hidden", work / "hidden")
        (run_dir / notebook_name).write_bytes(first.notebook or notebook.read_bytes())
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                PHASE_TWO,
                str(work),
                str(run_dir),
                notebook_name,
                json.dumps(limits.to_dict()),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        second = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "total_s": time.monotonic() - started,
        "execute_s": executed - started,
        "test_s": time.monotonic() - executed,
        "status": first.status,
        "kernel_start_s": first.timings.kernel_start_s,
        "cells_s": first.timings.cells_s,
        **second,
    }


if __name__ == "__main__":
    from app.grading.exercises import parse_exercise

    exercise = parse_exercise(Path(sys.argv[1]))
    print(
        json.dumps(
            grade_bare(exercise.folder, Path(sys.argv[2]), exercise.notebook, exercise.limits)
        )
    )

"""Grading overhead: median time to grade a reference notebook in the docker sandbox vs bare.

    .venv/bin/python bench/grading_overhead/run.py [--repeat 5] [--exercise DIR] [--notebook FILE]

"Bare" runs the same two phases (nbclient execution, then the hidden pytest suite with the same
plugin) as plain host processes: see bare.py. Runs alternate, so drift on a shared machine hits
both sides alike. Prints both medians, their ratio (target <= 1.25) and where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from app.grading.exercises import parse_exercise  # noqa: E402
from sandbox.backends.docker import DockerBackend  # noqa: E402
from sandbox.job import GradingJob  # noqa: E402
from sandbox.results import GradingResult  # noqa: E402

# The image pins BLAS/OpenMP to one thread; the bare run gets the same, so the work is the same.
os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")


def bare_once(exercise, notebook: Path) -> tuple[float, dict[str, float]]:
    """Wall time of one bare grading in a fresh process (imports included, as in the container)."""
    started = time.monotonic()
    limits = json.dumps(exercise.limits.to_dict())
    script = str(Path(__file__).with_name("bare.py"))
    out = subprocess.run(
        [sys.executable, script, str(exercise.folder), str(notebook), exercise.notebook, limits],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return time.monotonic() - started, json.loads(out.stdout.strip().splitlines()[-1])


def docker_once(backend: DockerBackend, exercise, notebook: Path) -> tuple[float, GradingResult]:
    """Wall time of one sandboxed grading (intake, both containers, teardown)."""
    job = GradingJob(
        notebook=notebook.read_bytes(),
        notebook_name=exercise.notebook,
        starter_dir=exercise.starter_dir,
        hidden_dir=exercise.hidden_dir,
        limits=exercise.limits,
    )
    started = time.monotonic()
    result = backend.grade(job)
    return time.monotonic() - started, result


def main() -> int:
    """Measure, then print the medians, the ratio and the breakdown."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--exercise", type=Path, default=REPO / "exercises" / "ml-take-home")
    parser.add_argument("--notebook", type=Path, default=None)
    args = parser.parse_args()
    exercise = parse_exercise(args.exercise.resolve())
    notebook = (args.notebook or exercise.folder / "reference" / "full-marks.ipynb").resolve()
    backend = DockerBackend()
    docker_once(backend, exercise, notebook)  # warm the page cache and the image layers
    bare, sandboxed, results, reports = [], [], [], []
    for _ in range(args.repeat):
        seconds, report = bare_once(exercise, notebook)
        assert report["status"] == "completed" and report["passed"] == report["tests"], report
        bare.append(seconds)
        reports.append(report)
        seconds, result = docker_once(backend, exercise, notebook)
        assert result.status == "completed", result.message
        assert all(t.outcome == "passed" for t in result.tests), result.tests
        sandboxed.append(seconds)
        results.append(result)
    bare_median, docker_median = statistics.median(bare), statistics.median(sandboxed)
    timing = {
        name: statistics.median(getattr(r.timings, name) for r in results)
        for name in ("container_start_s", "kernel_start_s", "cells_s", "tests_s")
    }
    print(
        f"exercise {exercise.id}, notebook {notebook.name}, {args.repeat} runs each, "
        f"{os.cpu_count()} CPUs, sandbox cpus={exercise.limits.cpus}, "
        f"memory={exercise.limits.memory_mb} MiB"
    )
    print(f"bare    median {bare_median:6.2f} s  runs {', '.join(f'{s:.2f}' for s in bare)}")
    print(f"docker  median {docker_median:6.2f} s  runs {', '.join(f'{s:.2f}' for s in sandboxed)}")
    print(f"ratio   {docker_median / bare_median:.3f}  (target <= 1.25)")
    parts = ("kernel_start_s", "cells_s", "tests_s")
    bare_parts = {k: statistics.median(r[k] for r in reports) for k in parts}
    print(
        "bare breakdown (medians): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in bare_parts.items())
        + f", rest {bare_median - sum(bare_parts.values()):.2f} s"
    )
    print(
        "docker breakdown (medians): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in timing.items())
        + f", rest {docker_median - sum(timing.values()):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

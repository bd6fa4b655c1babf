"""HireLab side by side with nbgrader and otter-grader, on the same notebooks and the same checks.

    .venv/bin/python bench/compare/run.py [--repeat 5] [--batch 12] [--only latency|throughput]

Per submission (medians of --repeat, the order of the graders rotated every round, BLAS pinned to
one thread everywhere):
- floor: bare nbclient (a fresh process executes the notebook in a fresh kernel; no tests at all);
- HireLab worker path: ``DockerBackend.grade`` as the worker calls it (both sandboxes, pre-started
  containers from the pool as in steady state);
- ``flask grade``: the CLI, a process per grading;
- nbgrader: ``nbgrader autograde`` of one submission (20 / 2 autograder-test cells);
- otter: ``otter run`` of one submission against the ported autograder zip.
Suites: ml-take-home's full-marks notebook with its 20 hidden tests, and bench/compare/trivial
(one function, 2 tests). Throughput: --batch trivial notebooks, HireLab with 1 and 2 grading
threads vs nbgrader autograding them serially in one command; ml-take-home gradings per minute
with 2 threads (a batch of ML_BATCH). The graders' tools live in bench/compare/.tools
(tools.py). Prints a JSON report and writes it to bench/compare/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
os.environ.update(MPLBACKEND="Agg")

from app.grading.exercises import Exercise, parse_exercise  # noqa: E402
from bench.compare.ports import NbgraderCourse, OtterAutograder, hidden_test_ids  # noqa: E402
from bench.compare.tools import ensure_tools  # noqa: E402
from sandbox.backends.docker import DockerBackend  # noqa: E402
from sandbox.job import GradingJob  # noqa: E402

SUITES = {
    "ml-take-home": REPO / "exercises" / "ml-take-home",
    "trivial": HERE / "trivial",
}
# ml-take-home gradings in the throughput batch (after 2 that fill the pool). At a batch's end the
# pool warms containers for gradings after it (two per phase, about two gradings' imports): over
# 8 gradings that understated the steady rate by ~10 %.
ML_BATCH = 16
FLOOR = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
resources = {"metadata": {"path": sys.argv[2]}}
NotebookClient(nb, kernel_name="python3", timeout=600, resources=resources).execute()
"""


def _job(exercise: Exercise, notebook: Path) -> GradingJob:
    return GradingJob(
        notebook=notebook.read_bytes(),
        notebook_name=exercise.notebook,
        starter_dir=exercise.starter_dir,
        hidden_dir=exercise.hidden_dir,
        limits=exercise.limits,
    )


def floor(tools: Path, exercise: Exercise, notebook: Path) -> float:
    """Bare nbclient, in the graders' virtualenv (same packages), in a copy of starter/."""
    with tempfile.TemporaryDirectory(prefix="hirelab-floor-") as tmp:
        shutil.copytree(exercise.starter_dir, tmp, dirs_exist_ok=True)
        started = time.monotonic()
        subprocess.run(
            [str(tools / "python"), "-c", FLOOR, str(notebook), tmp],
            check=True,
            capture_output=True,
        )
        return time.monotonic() - started


def hirelab(backend: DockerBackend, exercise: Exercise, notebook: Path, tests: int) -> float:
    started = time.monotonic()
    result = backend.grade(_job(exercise, notebook))
    seconds = time.monotonic() - started
    passed = sum(t.outcome == "passed" for t in result.tests)
    assert result.status == "completed" and passed == tests, (result.message, passed)
    return seconds


def flask_grade(exercise: Exercise, notebook: Path, points: float) -> float:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "grade", str(notebook), "--exercise",
         str(exercise.folder), "--backend", "docker", "--json"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    report = json.loads(out.stdout)
    assert report["score"] == points, report
    return seconds


def latency(tools: Path, repeat: int, work: Path, suites: list[str]) -> dict:
    return {name: suite_latency(tools, name, SUITES[name], repeat, work) for name in suites}


def suite_latency(tools: Path, name: str, folder: Path, repeat: int, work: Path) -> dict:
    exercise = parse_exercise(folder)
    notebook = exercise.folder / "reference" / "full-marks.ipynb"
    test_ids = hidden_test_ids(exercise)
    course = NbgraderCourse(tools, work / f"nbgrader-{name}", exercise, test_ids)
    otter = OtterAutograder(tools, work / f"otter-{name}", exercise, test_ids)
    backend = DockerBackend(keep_ready=1)
    hirelab(backend, exercise, notebook, len(test_ids))  # fills the pool: steady state

    points: dict[str, list[float]] = {"nbgrader autograde": [], "otter run": []}

    def run_nbgrader() -> float:
        student = course.submit(notebook)
        seconds = course.grade([student])
        points["nbgrader autograde"].append(course.score(student))
        return seconds

    def run_otter() -> float:
        seconds, awarded = otter.grade(notebook)
        points["otter run"].append(awarded)
        return seconds

    def full_marks(grader: str, run: Callable[[], float]) -> Callable[[], float]:
        """A port that loses points measures a different (shorter) grading: fail loudly."""

        def checked() -> float:
            seconds = run()
            assert points[grader][-1] == len(test_ids), (grader, points[grader])
            return seconds

        return checked

    graders = {
        "floor (bare nbclient)": lambda: floor(tools, exercise, notebook),
        "HireLab worker path": lambda: hirelab(backend, exercise, notebook, len(test_ids)),
        "flask grade": lambda: flask_grade(exercise, notebook, exercise.max_score),
        "nbgrader autograde": full_marks("nbgrader autograde", run_nbgrader),
        "otter run": full_marks("otter run", run_otter),
    }
    times: dict[str, list[float]] = {g: [] for g in graders}
    names = list(graders)
    load = [os.getloadavg()[0]]
    for round_ in range(repeat):
        for grader in names[round_ % len(names) :] + names[: round_ % len(names)]:
            times[grader].append(graders[grader]())
        load.append(os.getloadavg()[0])
    backend.close()
    medians = {g: statistics.median(t) for g, t in times.items()}
    base = medians["floor (bare nbclient)"]
    report = {
        "tests": len(test_ids),
        "median_s": {g: round(m, 3) for g, m in medians.items()},
        "x_floor": {g: round(m / base, 2) for g, m in medians.items()},
        "runs_s": {g: [round(t, 2) for t in ts] for g, ts in times.items()},
        "points of the ports (full marks asserted for every grader)": points,
        "load_average": load,
    }
    print(json.dumps({name: report}), flush=True)
    return report


def _batch(backend: DockerBackend, exercise: Exercise, notebook: Path, count: int, threads: int):
    jobs = [_job(exercise, notebook) for _ in range(count)]
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(backend.grade, jobs))
    seconds = time.monotonic() - started
    assert all(r.status == "completed" for r in results), [r.message for r in results]
    return round(count / seconds * 60, 1)


def throughput(tools: Path, batch: int, work: Path) -> dict:
    report: dict = {"load_average": [os.getloadavg()[0]]}
    trivial = parse_exercise(SUITES["trivial"])
    notebook = trivial.folder / "reference" / "full-marks.ipynb"
    course = NbgraderCourse(tools, work / "nbgrader-batch", trivial, hidden_test_ids(trivial))
    students = [course.submit(notebook) for _ in range(batch)]
    report["trivial: nbgrader serial / min"] = round(batch / course.grade(students) * 60, 1)
    for threads in (1, 2):
        backend = DockerBackend(keep_ready=threads)
        _batch(backend, trivial, notebook, threads, threads)  # warm the pool
        per_minute = _batch(backend, trivial, notebook, batch, threads)
        report[f"trivial: HireLab {threads} worker(s) / min"] = per_minute
        backend.close()
    ml = parse_exercise(SUITES["ml-take-home"])
    ml_notebook = ml.folder / "reference" / "full-marks.ipynb"
    backend = DockerBackend(keep_ready=2)
    _batch(backend, ml, ml_notebook, 2, 2)
    report["ml-take-home: HireLab 2 workers / min"] = _batch(backend, ml, ml_notebook, ML_BATCH, 2)
    backend.close()
    report["load_average"].append(os.getloadavg()[0])
    print(json.dumps({"throughput": report}), flush=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--only", choices=("latency", "throughput"))
    parser.add_argument("--suites", nargs="+", choices=list(SUITES), default=list(SUITES))
    args = parser.parse_args()
    tools = ensure_tools()
    report: dict = {"cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC")}
    with tempfile.TemporaryDirectory(prefix="hirelab-compare-") as tmp:
        if args.only != "throughput":
            report["latency"] = latency(tools, args.repeat, Path(tmp), args.suites)
        if args.only != "latency":
            report["throughput"] = throughput(tools, args.batch, Path(tmp))
    (HERE / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Issue 12 §3, the leftover: candidate code that stops the hidden test session on every attempt
(kill-parent and its neighbours) gets a verdict once the retries are used up, never a run that
fails forever as a grading error. The local backend, where candidate code can still signal the
test process (on docker it runs under another uid and cannot: tests/sandbox)."""

from __future__ import annotations

import shutil

from app.extensions import db
from app.grading import operations
from app.grading.exercises import load_exercise
from app.grading.ingest import scored_run
from app.grading.worker import GradingWorker
from app.models import GradingRun, RunStatus
from sandbox.backends.local import LocalBackend
from tests.grading.conftest import TINY, notebook_bytes

# Interrupts the test process (the zygote's sibling) when graded; harmless in the notebook's own
# IPython kernel, so phase 1 completes.
STOPS_THE_SESSION = """
import os, signal, sys


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def add(a, b):
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None:
        zygote = os.getppid()
        runner = _parent_of(zygote)
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in (zygote, os.getpid()):
                try:
                    if _parent_of(entry) == runner:
                        os.kill(int(entry), signal.SIGINT)
                except (OSError, ValueError, IndexError):
                    pass
    return a + b


def scale(values, factor):
    return [v * factor for v in values]
"""


def test_a_session_stopped_on_every_attempt_becomes_a_verdict(exercises_app, opened, tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(TINY, folder / "tiny")
    worker = GradingWorker(
        exercises_app, LocalBackend, lambda slug: load_exercise(folder, slug), scored_run
    )
    run = operations.submit(opened, "tiny.ipynb", notebook_bytes(STOPS_THE_SESSION), 1, 10**6)
    db.session.commit()
    statuses = [worker.process(run.id) for _ in range(operations.MAX_ATTEMPTS)]
    assert statuses == [RunStatus.QUEUED] * (operations.MAX_ATTEMPTS - 1) + [RunStatus.GRADED]
    run = db.session.get(GradingRun, run.id)
    db.session.refresh(run)
    assert run.verdict == "crashed", run.message
    assert f"stopped {operations.MAX_ATTEMPTS} times" in run.message, run.message
    assert run.score is not None and run.score < run.max_score
    groups = {g.group_id: g.score for g in run.group_scores}
    assert groups["accuracy"] == 0, groups  # never reached: scored as failed, not as complete

"""sql-data-quality against a hostile notebook, on the real docker backend: nothing it controls
computes its verdict (issue 12). Its Python code runs only in phase 1, in another container; in
phase 2 only string literals read from its source run, read-only, in the test process."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from app.grading.exercises import parse_exercise
from app.grading.scoring import score
from sandbox.intake import sanitize_notebook
from sandbox.job import GradingJob
from tests.exercises.exercise_folders import EXERCISES

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ATTACK_CELLS = [
    # Phase 1: poison what a later phase might read, and plant a forged verdict.
    "import json, pathlib, sqlite3\n"
    "pathlib.Path('data/churn.sqlite').write_bytes(b'')\n"
    "pathlib.Path('/tmp/result.json').write_text(json.dumps({'score': 100}))\n"
    "ANSWER = 'SELECT 1 AS month, 2 AS active_customers'",
    # Queries computed by code (never evaluated by the grader) or hostile SQL (refused).
    "MONTHLY_ACTIVE = ANSWER\n"
    'CHURN_BY_PLAN = f"SELECT * FROM ({ANSWER})"\n'
    "NET_REVENUE = \"ATTACH DATABASE '/work/hidden/x.db' AS h\"\n"
    "TICKET_SPIKE = ('WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) '\n"
    "                'SELECT max(x) AS customer_id FROM r')",
    # A check that fires on everything is not a check.
    'SANITY_CHECKS = {"always": "SELECT 1", "write": "DELETE FROM payments"}',
]


def test_a_hostile_notebook_scores_no_more_than_an_untouched_one():
    from sandbox.backends.docker import DockerBackend

    exercise = parse_exercise(EXERCISES / "sql-data-quality")
    notebook = new_notebook(
        cells=[new_code_cell(source, id=f"c{i}") for i, source in enumerate(ATTACK_CELLS)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    job = GradingJob(
        notebook=sanitize_notebook(nbformat.writes(notebook).encode()),
        notebook_name=exercise.notebook,
        starter_dir=exercise.starter_dir,
        hidden_dir=exercise.hidden_dir,
        limits=exercise.limits,
        kind=exercise.kind,
    )
    result = DockerBackend().grade(job)
    scored = score(result, exercise)
    groups = {group.group_id: group for group in scored.groups}
    report = json.dumps({g.group_id: [g.score, g.message] for g in scored.groups}, indent=1)
    assert result.status == "completed", report
    assert scored.score <= 12, report  # runs (10) + one check that runs on the starter data (2)
    hidden = ("monthly_active", "churn_by_plan", "net_revenue", "ticket_spike", "sanity_checks")
    assert all(groups[g].score == 0 for g in hidden), report
    messages = {t.group: t.message for t in result.tests if t.outcome != "passed"}
    assert "must be a string literal" in messages["monthly_active"]
    assert "must be a string literal" in messages["churn_by_plan"]
    assert "not authorized" in messages["net_revenue"]
    assert "was stopped" in messages["ticket_spike"]
    assert "fire on a clean copy" in messages["sanity_checks"]

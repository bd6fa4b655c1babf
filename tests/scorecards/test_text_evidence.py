"""Prose no test can judge (exercise.yaml `evidence`) reaches the interviewer as quoted evidence.

ml-take-home's Summary earns no points for its words (issue 12: a word salad collected them), so
its visible text is shown on the debrief next to the dimension it is evidence for, escaped, with
hidden text left out, and with what to look for.
"""

from __future__ import annotations

import json

from flask import current_app

from app.grading.exercises import load_exercise
from app.models import GradingRun
from app.scorecards import queries
from sandbox.results import GradingResult, TestOutcome
from tests.scorecards.conftest import stored_run

SLUG = "ml-take-home"
SUMMARY = (
    "## Summary\n\nValidation ROC AUC 0.79 against 0.67 for the baseline. Next I would try a "
    "time-based split.<!-- precision recall roc auc split cutoff --><script>alert(1)</script>"
)


def _graded(application, cells: list[dict]) -> GradingRun:
    exercise = load_exercise(current_app.config["EXERCISES_DIR"], SLUG)
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    tests = tuple(
        TestOutcome(f"test_{group.id}.py::test_it", group.id, "passed", "")
        for group in exercise.groups
    )
    result = GradingResult(
        status="completed", message="all passed", tests=tests, notebook=notebook.encode()
    )
    return stored_run(application, exercise, result, "churn.ipynb")


def _collaboration(panel):
    rows = {
        row.dimension.key: row for row in queries.debrief(panel.application, panel.recruiter).rows
    }
    return rows["collaboration"].evidence


def test_the_summary_is_quoted_as_it_renders_beside_the_summary_group(panel, client, auth):
    _graded(panel.application, [
        {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [],
         "execution_count": 1},
        {"cell_type": "markdown", "source": SUMMARY, "metadata": {}},
    ])  # fmt: skip
    evidence = _collaboration(panel)
    quoted = [e for e in evidence if e.quote is not None]
    assert [e.group_id for e in evidence if e.quote is None] == ["summary"]
    assert len(quoted) == 1 and quoted[0].score == quoted[0].max_score == 0
    assert quoted[0].quote.startswith("## Summary\n\nValidation ROC AUC 0.79")
    assert "cutoff" not in quoted[0].quote and "alert" not in quoted[0].quote, "hidden text shown"
    assert "next steps" in quoted[0].look_for

    auth.login_as(panel.recruiter)
    page = client.get(f"/applications/{panel.application.id}/debrief").text
    row = page[page.index('id="row-collaboration"') :].split("</tr>", 1)[0]
    assert "Summary, in the candidate&#39;s words" in row and "no points" in row
    assert "Next I would try a time-based split." in row and "<script>" not in row


def test_a_notebook_without_the_section_says_so(panel, client, auth):
    _graded(panel.application, [{"cell_type": "markdown", "source": "# Churn", "metadata": {}}])
    quoted = [e for e in _collaboration(panel) if e.quote is not None]
    assert [(e.quote, e.message) for e in quoted] == [
        ("", 'The notebook has no section headed "Summary".')
    ]
    auth.login_as(panel.recruiter)
    page = client.get(f"/applications/{panel.application.id}/debrief").text
    assert "The notebook has no section headed &#34;Summary&#34;." in page

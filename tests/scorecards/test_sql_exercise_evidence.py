"""The sql-data-quality exercise on the hiring side: its grading lands as Data and SQL evidence on
the debrief and the scorecard, and its review kit is installed for those interviews."""

from __future__ import annotations

from flask import current_app

from app.grading.exercises import load_exercise
from app.models import GradingRun
from app.scorecards import queries
from app.scorecards.catalog import catalog
from sandbox.results import GradingResult, TestOutcome
from tests.scorecards.conftest import ingest_result, schedule

SLUG = "sql-data-quality"
KIT = "sql-data-quality-review"
FAN_OUT = (
    "NET_REVENUE (net revenue per month) differs from the reference on a database from another seed"
)


def _graded_like_the_fan_out_reference(application) -> GradingRun:
    """A run stored as the worker stores it, from the verdict the fan-out reference gets."""
    exercise = load_exercise(current_app.config["EXERCISES_DIR"], SLUG)
    tests = tuple(
        TestOutcome(f"test_{group.id}.py::test_{n}", group.id, outcome, message)
        for group in exercise.groups
        for n in range(2)
        for outcome, message in [
            ("failed", FAN_OUT) if group.id == "net_revenue" else ("passed", "")
        ]
    )
    result = GradingResult(status="completed", message="17 of 19 hidden tests passed", tests=tests)
    return ingest_result(application, exercise, result, "sql_data_quality.ipynb")


def test_the_review_kit_is_installed_for_data_and_sql(app):
    kit = catalog().kit(KIT)
    assert kit.dimensions[0] == "data_sql" and kit.stage == "Take-home"
    prompts = " ".join(question.prompt for question in kit.questions)
    assert "data notes" in prompts.lower(), "the notes are judged in the interview, not by keywords"


def test_sql_exercise_evidence_is_on_the_data_and_sql_row(panel, client, auth):
    _graded_like_the_fan_out_reference(panel.application)
    schedule(panel.application, [panel.first], kit_id=KIT, actor=panel.recruiter)

    rows = {
        row.dimension.key: row for row in queries.debrief(panel.application, panel.recruiter).rows
    }
    evidence = {e.group_id: e for e in rows["data_sql"].evidence}
    assert set(evidence) == {"queries_present", "monthly_active", "churn_by_plan", "net_revenue",
                             "ticket_spike", "sanity_checks"}  # fmt: skip
    assert {e.exercise_slug for e in evidence.values()} == {SLUG}
    assert (evidence["net_revenue"].score, evidence["net_revenue"].max_score) == (0, 20)
    assert FAN_OUT in evidence["net_revenue"].message
    assert [e.group_id for e in rows["python_engineering"].evidence] == ["end_to_end"]

    auth.login_as(panel.recruiter)
    page = client.get(f"/applications/{panel.application.id}/debrief").text
    data_row = page[page.index('id="row-data_sql"') :].split("</tr>", 1)[0]
    assert "Net revenue without double counting" in data_row and "0/20" in data_row
    assert "Sanity checks catch broken promises" in data_row and "15/15" in data_row
    assert SLUG in data_row

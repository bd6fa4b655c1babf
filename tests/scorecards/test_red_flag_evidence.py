"""Red flags a grading run's hidden tests recorded are stored with the run and shown, over HTTP, as
evidence on the review page, the debrief and the staff API representation — never to the candidate
(portal page, status JSON, their own API token)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.auth import operations as auth_operations
from app.extensions import db
from app.grading.exercises import load_exercise
from app.models import GradingRun, RedFlag, Role, TestOutcome
from app.privacy.erasure import erase_candidate
from sandbox.results import GradingResult
from sandbox.results import RedFlag as SandboxFlag
from sandbox.results import TestOutcome as SandboxOutcome
from tests.scorecards.conftest import stored_run

SLUG = "ml-take-home"
TEST = "test_summary.py::test_reported_metrics_match_the_measurement"
WHY = "The Summary reports ROC AUC 0.96; the grader measured 0.75 (tolerance 0.05)."


def ingest_flagged_run(application) -> GradingRun:
    """A run stored as the worker stores it, from a result whose hidden tests raised a flag."""
    exercise = load_exercise(current_app.config["EXERCISES_DIR"], SLUG)
    result = GradingResult(
        status="completed",
        message="1 of 2 hidden tests passed",
        tests=(
            SandboxOutcome("test_end_to_end.py::test_runs", "end_to_end", "passed", ""),
            SandboxOutcome(TEST, "summary", "failed", "claimed numbers differ"),
        ),
        flags=(SandboxFlag("overclaim", "summary", TEST, WHY),),
    )
    return stored_run(application, exercise, result, "take_home.ipynb")


def test_flags_are_evidence_for_the_team_and_never_for_the_candidate(panel, client, auth):
    run = ingest_flagged_run(panel.application)
    stored = db.session.scalars(select(RedFlag).where(RedFlag.run_id == run.id)).all()
    assert [(f.kind, f.group_id, f.test_id, f.message) for f in stored] == [
        ("overclaim", "summary", TEST, WHY)
    ]
    test_row = db.session.scalar(select(TestOutcome.id).where(TestOutcome.test_id == TEST))
    review = f"/submissions/{run.submission_id}"

    auth.login_as(panel.recruiter)
    page = client.get(review).text
    assert WHY in page and "overclaim" in page
    assert f'href="#test-{test_row}"' in page and f'id="test-{test_row}"' in page
    assert 'href="#group-' in page  # and the group that recorded it
    debrief = client.get(f"/applications/{panel.application.id}/debrief").text
    assert WHY in debrief
    assert f'href="{review}#test-{test_row}"' in debrief
    assert "Rubric, weak signal" in debrief  # overclaiming is one of the rubric's weak signals

    auth.login_as(panel.first)  # an interviewer on the panel sees the evidence too
    assert WHY in client.get(review).text
    auth.login_as(panel.outsider)  # one on no panel of this candidate reaches nothing
    assert client.get(review).status_code in (403, 404)

    _, staff_token = create_token(panel.recruiter, "tests")
    db.session.commit()
    body = client.get(
        f"/api/v1/submissions/{run.submission_id}",
        headers={"Authorization": f"Bearer {staff_token}"},
    ).get_json()
    flag = body["runs"][-1]["red_flags"][0]
    assert (flag["kind"], flag["group"], flag["test"], flag["message"]) == (
        "overclaim", "summary", TEST, WHY
    )  # fmt: skip

    candidate = panel.application.candidate
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    auth_operations.issue_invite(candidate, None, "test", timedelta(days=1))
    db.session.commit()
    auth.login_as(candidate.user)
    for url in (f"/me/submissions/{run.submission_id}",
                f"/me/submissions/{run.submission_id}/status.json"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and WHY not in response.text
        assert "overclaim" not in response.text
    _, own_token = create_token(candidate.user, "tests")
    db.session.commit()
    response = client.get(
        f"/api/v1/submissions/{run.submission_id}",
        headers={"Authorization": f"Bearer {own_token}"},
    )
    assert response.status_code == 200
    assert "red_flags" not in response.get_json()["runs"][-1] and WHY not in response.text


def test_erasure_removes_the_flags(panel):
    run_id = ingest_flagged_run(panel.application).id
    assert db.session.scalar(select(func.count()).where(RedFlag.run_id == run_id)) == 1
    erase_candidate(panel.application.candidate, None)
    db.session.commit()
    remaining = db.session.scalar(select(func.count()).where(RedFlag.run_id == run_id))
    assert remaining == 0

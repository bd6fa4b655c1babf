"""Blind review: an interviewer on a blind job sees a pseudonym, no email, no file name and no
notebook metadata on every page until their scorecard is submitted; recruiters always see who."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.grading import operations as grading
from app.models import GradingRun
from tests.auth.worlds import build_world
from tests.grading.conftest import FIXTURES, TINY
from tests.scorecards.conftest import submit

TAG = "authored-by-casey"


@pytest.fixture
def blind(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    world = build_world("blind", scored=False)
    world.job.blind_review = True
    notebook = json.loads((TINY / "reference" / "full-marks.ipynb").read_text())
    notebook["metadata"]["authors"] = [{"name": world.candidate.name}]
    notebook["metadata"]["title"] = f"Notebook of {world.candidate.name}"
    # Intake drops cell tags (they steer execution: sandbox/intake.py), so a tag can never reach a
    # reviewer; the marker rides in a cell's metadata to show blind pages drop metadata wholesale.
    notebook["cells"][0]["metadata"]["tags"] = [TAG]
    notebook["cells"][0]["metadata"]["author"] = TAG
    run = grading.submit(
        world.assignment,
        "Candidate_blind_Person-final.ipynb",
        json.dumps(notebook).encode(),
        1,
        10**6,
    )
    db.session.commit()
    world.run = run
    return world


def pages(world) -> dict[str, str]:
    interview = world.interview.id
    return {
        "home": "/",
        "interview": f"/interviews/{interview}",
        "fill": f"/interviews/{interview}/scorecard",
        "scorecard": f"/scorecards/{world.scorecard.id}",
        "review": f"/submissions/{world.run.submission_id}",
        "notebook": f"/runs/{world.run.id}/notebook",
        "csv": f"/interviews/{interview}/scorecards.csv",
    }


def identifying(world) -> list[str]:
    return [world.candidate.name, world.candidate.email, "Candidate_blind_Person", TAG]


def test_interviewer_reviews_blind_until_the_scorecard_is_submitted(client, auth, blind):
    auth.login_as(blind.interviewer)
    leaks = []
    for name, url in pages(blind).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        leaks += [f"{name}: {needle}" for needle in identifying(blind) if needle in response.text]
    assert leaks == []
    assert f"Candidate #{blind.application.id}" in client.get("/").text
    assert "notebook.ipynb" in client.get(pages(blind)["review"]).text

    submit(blind.interview, blind.interviewer)
    review = client.get(pages(blind)["review"]).text
    assert blind.candidate.name in review and "Candidate_blind_Person-final.ipynb" in review
    assert "print" in client.get(pages(blind)["notebook"]).text


def test_recruiters_and_jobs_without_the_flag_see_the_candidate(client, auth, blind):
    auth.login_as(blind.recruiter)
    assert blind.candidate.name in client.get(pages(blind)["review"]).text
    blind.job.blind_review = False
    db.session.commit()
    auth.login_as(blind.interviewer)
    assert blind.candidate.name in client.get(pages(blind)["review"]).text
    assert "print" in client.get(pages(blind)["notebook"]).text


def test_a_recruiter_turns_blind_review_on_from_the_job_settings(client, auth, blind):
    blind.job.blind_review = False
    db.session.commit()
    auth.login_as(blind.recruiter)
    assert f"/jobs/{blind.job.id}/settings" in client.get(f"/jobs/{blind.job.id}").text
    assert "Blind review" in client.get(f"/jobs/{blind.job.id}/settings").text
    response = client.post(f"/jobs/{blind.job.id}/blind-review", data={"enabled": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/jobs/{blind.job.id}/settings"
    assert db.session.get(type(blind.job), blind.job.id).blind_review is True
    assert db.session.get(GradingRun, blind.run.id) is not None

"""What reviewers see: the flagged match on the review page and the debrief, the side-by-side
view (escaped spans, no script), and nothing about a candidate the viewer cannot reach."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Role
from app.pipeline import operations as pipeline
from tests.grading.conftest import put_on_panel
from tests.scorecards.conftest import staff
from tests.similarity.answers import DISGUISED, ORIGINAL, notebook
from tests.similarity.conftest import graded

HOSTILE = '\nbanner = "<script>alert(1)</script>"\nprint(banner)'


@pytest.fixture
def world(app):
    """Ada (job one) wrote ORIGINAL; Cy (job one) and Eve (job two, another recruiter) copied it."""
    rita, other = staff(Role.RECRUITER, "Rita Recruiter"), staff(Role.RECRUITER, "Oz Other")
    job_one = pipeline.create_job("Job One", rita)
    job_two = pipeline.create_job("Job Two", other)
    db.session.commit()
    hostile = [(k, s + HOSTILE if k == "code" else s) for k, s in ORIGINAL]
    disguised = [(k, s + HOSTILE if k == "code" else s) for k, s in DISGUISED]
    ada = graded(job_one, "Ada", notebook(hostile))
    eve = graded(job_two, "Eve", notebook(disguised))
    cy = graded(job_one, "Cy", notebook(disguised))
    return {"rita": rita, "other": other, "ada": ada, "cy": cy, "eve": eve, "job_one": job_one}


def test_the_review_page_flags_the_copy_and_says_why(world, client, auth):
    auth.login_as(world["rita"])
    page = client.get(f"/submissions/{world['cy'].id}").get_data(as_text=True)
    assert "Similarity to other submissions" in page
    assert "flagged" in page and "Ada Person" in page
    assert f"/submissions/{world['cy'].id}/similar?to={world['ada'].id}" in page
    assert "code cell" in page and "after removing the starter notebook" in page


def test_a_match_in_a_job_the_recruiter_cannot_reach_reveals_no_one(world, client, auth):
    auth.login_as(world["rita"])
    page = client.get(f"/submissions/{world['cy'].id}").get_data(as_text=True)
    assert "a submission you cannot open" in page
    assert "Eve" not in page and "Job Two" not in page
    assert f"/similar?to={world['eve'].id}" not in page
    response = client.get(f"/submissions/{world['cy'].id}/similar?to={world['eve'].id}")
    assert response.status_code == 403


def test_the_side_by_side_view_marks_shared_regions_escaped(world, client, auth):
    auth.login_as(world["rita"])
    response = client.get(f"/submissions/{world['cy'].id}/similar?to={world['ada'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<mark>") >= 6
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in page.split("<main", 1)[-1]


def test_pairs_without_a_stored_match_are_not_comparable(world, client, auth):
    auth.login_as(world["rita"])
    lonely = graded(world["job_one"], "Lo", notebook([("code", "print('hello there')")]))
    assert client.get(f"/submissions/{lonely.id}/similar?to={world['ada'].id}").status_code == 404


def test_blind_interviewer_sees_pseudonyms_and_only_their_panels(world, client, auth):
    world["job_one"].blind_review = True
    interviewer = staff(Role.INTERVIEWER, "Ivy Interviewer")
    put_on_panel(world["cy"].assignment.application, interviewer)
    put_on_panel(world["ada"].assignment.application, interviewer)
    auth.login_as(interviewer)
    page = client.get(f"/submissions/{world['cy'].id}").get_data(as_text=True)
    assert "Ada Person" not in page and "Cy Person" not in page
    assert f"Candidate #{world['ada'].assignment.application_id}" in page
    assert "a submission you cannot open" in page  # Eve: not on this interviewer's panel
    compare = client.get(f"/submissions/{world['cy'].id}/similar?to={world['ada'].id}")
    assert compare.status_code == 200
    assert "Ada Person" not in compare.get_data(as_text=True)


def test_the_debrief_shows_the_match(world, client, auth):
    auth.login_as(world["rita"])
    application = world["cy"].assignment.application
    page = client.get(f"/applications/{application.id}/debrief").get_data(as_text=True)
    assert "Similarity to other submissions" in page and "flagged" in page


def test_a_comparison_without_the_other_submission_is_a_clear_400(world, client, auth):
    auth.login_as(world["rita"])
    response = client.get(f"/submissions/{world['cy'].id}/similar")
    assert response.status_code == 400 and "?to=" in response.get_data(as_text=True)

"""An interviewer, in Chromium under the CSP, follows a flagged pair from the candidate's review
page to the side-by-side view, then asks the follow-up questions and records how well the
candidate explained their own work on the scorecard."""

from __future__ import annotations

import pytest

from app.auth import operations as auth_operations
from app.extensions import db
from app.models import Role
from app.pipeline import operations as pipeline_operations
from tests.authorship.test_followups import LEAK
from tests.browser.conftest import sign_in
from tests.scorecards.conftest import schedule
from tests.similarity.answers import DISGUISED, ORIGINAL, notebook
from tests.similarity.conftest import graded

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def flagged_pair(live_app):
    with live_app.app_context():
        recruiter = auth_operations.create_user(
            "riley@hirelab.example", "Riley Recruiter", Role.RECRUITER, PASSWORD
        )
        ivy = auth_operations.create_user(
            "ivy@hirelab.example", "Ivy Interviewer", Role.INTERVIEWER, PASSWORD
        )
        job = pipeline_operations.create_job("Junior AI Engineer", recruiter)
        db.session.commit()
        original = graded(job, "Ada", notebook(ORIGINAL))
        copy = graded(job, "Cy", notebook(DISGUISED), groups=[LEAK])
        schedule(original.assignment.application, [ivy], kit_id="take-home-review", actor=recruiter)
        interview = schedule(
            copy.assignment.application, [ivy], kit_id="take-home-review", actor=recruiter
        )
        db.session.commit()
        return {"interview": interview.id, "copy": copy.id, "original": original.id}


def test_interviewer_walks_a_flagged_pair_and_the_follow_up_questions(
    live_server, page, flagged_pair
):
    base = live_server.url
    sign_in(page, base, "ivy@hirelab.example", PASSWORD)
    page.goto(f"{base}/interviews/{flagged_pair['interview']}")
    followups = page.locator("#followups")
    assert "predictions depend on refund_issued" in followups.inner_text()

    page.locator("#followups a").first.click()  # "open the submission": the review page
    page.wait_for_url(f"{base}/submissions/{flagged_pair['copy']}")
    row = page.locator(".similarity tr.flagged")
    assert row.count() == 1 and "Ada Person" in row.inner_text()
    assert "after removing the starter notebook" in row.inner_text()

    row.locator("a").click()
    page.wait_for_url(
        f"{base}/submissions/{flagged_pair['copy']}/similar?to={flagged_pair['original']}"
    )
    assert page.locator(".compare-side").count() == 2
    marks = page.locator(".compare-side").nth(0).locator("mark")
    assert marks.count() >= 3 and page.locator(".compare-side").nth(1).locator("mark").count() >= 3
    assert page.locator("mark").first.evaluate("m => getComputedStyle(m).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )  # the stylesheet loaded under the CSP and highlights the regions

    page.goto(f"{base}/interviews/{flagged_pair['interview']}/scorecard")
    assert (
        "What bug would your `test_load_keeps_rows` catch?"
        in page.locator("#followups").inner_text()
    )
    page.check("input[name=authorship][value=unclear]")
    page.fill("textarea[name=authorship_notes]", "Could not say why the columns are dropped")
    page.click("input[name=save]")
    assert "Draft saved." in page.locator(".flash").inner_text()
    assert page.locator("input[name=authorship][value=unclear]").is_checked()
    assert "Could not say why" in page.locator("textarea[name=authorship_notes]").input_value()

"""Privacy pages in Chromium under the CSP: an admin revokes an invite, turns on blind review,
erases a candidate and reads the audit log; an interviewer on the blind job sees a pseudonym."""

from __future__ import annotations

import pytest

from app.auth import operations as auth_operations
from app.extensions import db
from app.models import Role, now_utc
from app.pipeline import operations as pipeline
from app.scorecards import operations as scorecards
from app.scorecards.catalog import catalog
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        admin = auth_operations.create_user(
            "ada@hirelab.example", "Ada Admin", Role.ADMIN, PASSWORD
        )
        interviewer = auth_operations.create_user(
            "ian@hirelab.example", "Ian First", Role.INTERVIEWER, PASSWORD
        )
        job = pipeline.create_job("Junior AI Engineer", admin)
        candidate = pipeline.add_candidate("Grace Hopper", "grace@example.com", "referral")
        application = pipeline.apply(candidate, job, admin)
        stage = next(s for s in job.stages if s.name == "Technical interviews")
        pipeline.move(application, stage, admin)
        scorecards.schedule_interview(
            application, stage, catalog().kit("fundamentals"), [interviewer], now_utc(), admin
        )
        auth_operations.issue_invite(
            candidate, admin, live_app.config["SECRET_KEY"], live_app.config["INVITE_MAX_AGE"]
        )
        db.session.commit()
        return {"candidate_id": candidate.id, "application_id": application.id}


def test_admin_privacy_controls_and_a_blind_interviewer(live_server, new_page, people):
    base = live_server.url
    admin, interviewer = new_page(), new_page()
    sign_in(admin, base, "ada@hirelab.example", PASSWORD)
    admin.click("text=Junior AI Engineer")
    admin.click("text=Settings and team")
    admin.check("input[name=enabled]")
    admin.click(".job-privacy input[type=submit][value=Save]")
    assert "Blind review is on" in admin.locator(".flash").inner_text()

    sign_in(interviewer, base, "ian@hirelab.example", PASSWORD)
    queue = interviewer.locator("table.queue").inner_text()
    assert f"Candidate #{people['application_id']}" in queue and "Grace" not in queue

    admin.goto(f"{base}/candidates/{people['candidate_id']}")
    admin.click("#privacy button:has-text('Revoke')")
    assert "Invite link revoked" in admin.locator(".flash").inner_text()
    assert "revoked" in admin.locator("table.invites").inner_text()
    admin.click("text=Erase personal data")  # unconfirmed: refused with a message
    assert "Tick the box" in admin.locator(".flash").inner_text()
    admin.check("input[name=confirm]")
    admin.click("text=Erase personal data")
    assert "personal data is erased" in admin.locator(".flash").inner_text()
    assert "Grace Hopper" not in admin.content()
    admin.click("text=Who saw or changed this candidate's data")
    log = admin.locator("table.audit").inner_text()
    assert "erased the candidate's personal data" in log and "revoked an invite link" in log

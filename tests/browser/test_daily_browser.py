"""Daily work in Chromium: search, a profile with a résumé, scheduling with the .ics in the outbox,
rescheduling, each user's time zone on the board and in the portal, the board at 1280 px and no
sideways scrolling at 390 px (measured: documentElement.scrollWidth <= innerWidth)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations as grading
from app.models import Role, now_utc
from app.pipeline import operations as pipeline
from tests.browser.conftest import CSP_LISTENER, sign_in
from tests.conftest import PASSWORD, make_app
from tests.grading.conftest import FIXTURES
from tests.profiles.pdfs import pdf_with_text

pytestmark = [pytest.mark.browser]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def live_app(tmp_path) -> Iterator[Flask]:
    app = make_app(
        f"sqlite:///{tmp_path / 'daily.db'}",
        EXERCISES_DIR=FIXTURES,
        WTF_CSRF_ENABLED=True,
        TESTING=False,
    )
    with app.app_context():
        db.create_all()
        recruiter = auth_operations.create_user(
            "riley@hirelab.example", "Riley Recruiter", Role.RECRUITER, PASSWORD
        )
        recruiter.time_zone = "Asia/Tokyo"
        auth_operations.create_user("ian@hirelab.example", "Ian First", Role.INTERVIEWER, PASSWORD)
        job = pipeline.create_job("Junior AI Engineer", recruiter)
        grace = pipeline.add_candidate(
            "Grace Hopper", "grace.hopper.with.a.very.long.address@example.com", "referral"
        )
        application = pipeline.apply(grace, job, recruiter)
        pipeline.move(application, job.stages[1], recruiter)
        pipeline.add_note(grace, recruiter, "Wrote the first compiler")
        for number in range(12):
            other = pipeline.add_candidate(f"Person {number}", f"p{number}@example.com", "agency")
            pipeline.apply(other, job, recruiter)
        db.session.commit()
        app.config["TEST_IDS"] = {"job": job.id, "grace": grace.id, "application": application.id}
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


PHONE_PAGES = (
    "/",
    "/jobs",
    "/jobs/{job}",
    "/candidates",
    "/candidates/{grace}",
    "/outbox",
    "/interviews",
    "/settings",
    "/candidates/new",
)


def test_main_pages_fit_390_px(live_server, live_app, page):
    """Measured in Chromium: the old stylesheet overflowed here (the header did not wrap)."""
    ids = live_app.config["TEST_IDS"]
    sign_in(page, live_server.url, "riley@hirelab.example", PASSWORD)
    page.set_viewport_size(PHONE)
    for path in PHONE_PAGES:
        _fits(page, live_server.url + path.format(**ids))


def _fits(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    assert page.evaluate(NO_SIDEWAYS), f"{url} scrolls sideways at 390 px: " + str(
        page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    )


def test_recruiter_searches_profiles_schedules_and_reschedules(live_server, live_app, page):
    ids = live_app.config["TEST_IDS"]
    base = live_server.url
    sign_in(page, base, "riley@hirelab.example", PASSWORD)

    # The board at 1280 px: every stage visible side by side; times in the recruiter's zone.
    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/jobs/{ids['job']}")
    rights = page.eval_on_selector_all(
        ".board .column", "cols => cols.map(c => c.getBoundingClientRect().right)"
    )
    assert len(rights) == 9 and max(rights) <= 1280
    assert "JST" in page.get_attribute(".card .meta span[title]", "title")

    # Search from the nav box: a note finds the candidate.
    page.fill("form.search input[name=q]", "compiler")
    page.click("form.search button")
    page.wait_for_url("**/candidates?q=compiler")
    assert page.locator("table.candidates tbody tr").count() == 1
    page.click("text=Grace Hopper")

    # Profile with a résumé: upload a PDF, its text is shown and searchable.
    page.click("summary:has-text('Edit profile')")
    page.fill("input[name=profile-location]", "Arlington")
    page.fill("input[name=profile-tags]", "compilers, navy")
    page.click("text=Save profile")
    page.wait_for_selector("text=Profile saved.")
    page.click("summary:has-text('Edit profile')")
    page.set_input_files(
        "input[name=resume-resume]",
        {
            "name": "grace.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_with_text("Rear admiral, COBOL designer"),
        },
    )
    page.click("text=Upload résumé")
    page.wait_for_selector("text=Résumé uploaded.")
    page.click("summary:has-text('Résumé text')")
    assert page.is_visible("text=Rear admiral, COBOL designer")
    page.goto(f"{base}/candidates?q=cobol")
    assert page.locator("table.candidates tbody tr").count() == 1

    # Schedule: the invite (.ics) goes to the candidate and the panel, visible in the outbox.
    page.goto(f"{base}/applications/{ids['application']}/interviews/new")
    when = (now_utc() + timedelta(days=3)).strftime("%Y-%m-%d")
    page.fill("input[name=scheduled_at]", f"{when}T10:00")
    page.check("text=Ian First")
    page.fill("input[name=video_url]", "https://meet.example/grace")
    page.click("input[type=submit]")
    page.wait_for_url("**/interviews/*")
    assert page.is_visible(f"text={when} 10:00 JST")
    page.click("nav[aria-label=Main] >> text=Outbox")
    assert page.locator("p.attachment a", has_text="invite.ics").count() == 2
    href = page.get_attribute("p.attachment a", "href")
    ics = page.request.get(base + href)
    assert ics.headers["content-type"].startswith("text/calendar")
    assert b"METHOD:REQUEST" in ics.body() and b"SEQUENCE:0" in ics.body()

    # Reschedule: the same event moves (SEQUENCE:1) and everyone gets the update.
    page.go_back()
    page.click("summary:has-text('Move or cancel')")
    page.fill("form[action$='/reschedule'] input[name=scheduled_at]", f"{when}T16:30")
    page.click("text=Move the interview")
    page.wait_for_selector("text=Interview moved")
    assert page.is_visible(f"text={when} 16:30 JST")
    page.goto(f"{base}/outbox")
    assert page.locator("article.message h2", has_text="Interview moved").count() == 2
    moved = page.request.get(base + page.get_attribute("p.attachment a", "href")).body()
    assert b"SEQUENCE:1" in moved and b"DTSTART:" in moved and b"T073000Z" in moved

    # 390 px with the interview, the outbox's invites and the profile filled in.
    page.set_viewport_size(PHONE)
    for path in ("/outbox", f"/candidates/{ids['grace']}", "/interviews", f"/jobs/{ids['job']}"):
        _fits(page, base + path)


def test_candidate_portal_counts_down_in_local_time(live_server, live_app, chromium):
    with live_app.app_context():
        candidate = pipeline.add_candidate("Ada Lovelace", "ada@example.com", "referral")
        job = pipeline.create_job("ML Engineer", None)
        application = pipeline.apply(candidate, job, None)
        assignment = grading.assign_exercise(application, "tiny", 90, None, timedelta(days=3))
        _invite, token = auth_operations.issue_invite(
            candidate, None, live_app.config["SECRET_KEY"], timedelta(days=3)
        )
        candidate.user.time_zone = "America/New_York"
        db.session.commit()
        assignment_id = assignment.id
    context = chromium.new_context(timezone_id="Europe/Paris", viewport=PHONE)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.add_init_script(CSP_LISTENER)
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{live_server.url}/invite/{token}")
        nav = page.inner_text("nav[aria-label=Main]")
        assert "API tokens" not in nav and "My exercises" in nav
        page.goto(f"{live_server.url}/me/assignments/{assignment_id}")
        assert page.is_visible("text=Time box: 90 minutes")
        page.click("text=Start the exercise")
        countdown = page.locator(".countdown")
        countdown.wait_for(state="visible")
        text = countdown.inner_text()
        assert text.startswith("Time left: 1 h 29 min") or text.startswith("Time left: 1 h 30 min")
        assert "Europe/Paris" in text
        # The server states the deadline in the account's zone (New York).
        assert page.locator("time", has_text="EST").count() >= 2
        assert page.evaluate(NO_SIDEWAYS)
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()
    assert problems == []

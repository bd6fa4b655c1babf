"""SANDBOX.md hostile input 19 in a real browser: a notebook whose outputs carry script payloads is
reviewed in Chromium and nothing runs — no dialog, and a canary global stays undefined in the
page and in the notebook's iframe; the CSP reports no violation because nothing executable is left
to block."""

from __future__ import annotations

from datetime import timedelta

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations as grading
from app.models import GradingRun, Role
from app.pipeline import operations as pipeline
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.grading.conftest import FIXTURES

pytestmark = pytest.mark.browser
CANARY = "window.top.__pwned = (window.top.__pwned || 0) + 1; window.__pwned = 1; alert(1)"
PAYLOADS = {
    "text/html": (
        f'<script>{CANARY}</script><img src=x onerror="{CANARY}">'
        f'<iframe srcdoc="<script>{CANARY}</script>"></iframe>'
        f'<a href="javascript:{CANARY}" id=js-link>html link</a>'
        f'<form action="javascript:{CANARY}"><button>go</button></form>'
    ),
    "image/svg+xml": (
        f'<svg xmlns="http://www.w3.org/2000/svg" onload="{CANARY}"><script>{CANARY}</script></svg>'
    ),
    "application/javascript": CANARY,
    "text/markdown": f"[md output link](javascript:alert(1)) <script>{CANARY}</script>",
}


def hostile_notebook() -> bytes:
    outputs = [new_output("display_data", data={mime: body}) for mime, body in PAYLOADS.items()]
    outputs.append(new_output("display_data", data={"text/html": "<p id=survivor>safe text</p>"}))
    code = new_code_cell("print('hello')", outputs=outputs, execution_count=1)
    markdown = new_markdown_cell(
        "[click me](javascript:top.__pwned=1) <https://example.com/ok> "
        f'<img src=x onerror="{CANARY}"> '
        f'<a href="javascript:{CANARY}">raw link</a>'
    )
    return nbformat.writes(new_notebook(cells=[markdown, code])).encode()


@pytest.fixture
def hostile_review(live_app):
    live_app.config["EXERCISES_DIR"] = FIXTURES
    with live_app.app_context():
        recruiter = auth_operations.create_user(
            "riley@hirelab.example", "Riley Recruiter", Role.RECRUITER, PASSWORD
        )
        job = pipeline.create_job("Junior AI Engineer", recruiter)
        candidate = pipeline.add_candidate("Mallory", "mallory@example.com", "referral")
        application = pipeline.apply(candidate, job, recruiter)
        assignment = grading.assign_exercise(application, "tiny", 30, recruiter, timedelta(days=1))
        grading.open_assignment(assignment)
        run = grading.submit(assignment, "x.ipynb", hostile_notebook(), 1, 10**6)
        # As if graded: the executed notebook (with its outputs) is what reviewers open.
        db.session.get(GradingRun, run.id).executed_notebook = hostile_notebook()
        db.session.commit()
        return run.submission_id


def test_script_payloads_in_a_notebook_never_run_on_the_review_page(
    live_server, page, hostile_review
):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server.url, "riley@hirelab.example", PASSWORD)
    page.goto(f"{live_server.url}/submissions/{hostile_review}")
    frame_element = page.wait_for_selector("iframe.notebook")
    frame = frame_element.content_frame()
    frame.wait_for_selector("text=safe text")
    assert frame_element.get_attribute("sandbox") == ""  # no allow-scripts, no same-origin
    # Links survive without their javascript: targets (Playwright's clicks inject scripts the
    # sandbox refuses, so the hrefs are read rather than clicked).
    hrefs = frame.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 2
    assert all(href is None or href.startswith(("http://", "https://", "#")) for href in hrefs)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    html = frame.content()
    for tag in ("<script", "onerror=", "onload=", "<svg", '="javascript:', "<iframe", "<form"):
        assert tag not in html, tag

"""The foundation in a real browser: sign in, see the role's home, sign out — under the CSP."""

import pytest

from app import demo
from app.extensions import db
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_data(live_app):
    with live_app.app_context():
        demo.seed()
        db.session.commit()


def test_recruiter_signs_in_sees_the_board_and_signs_out(live_server, page, demo_data):
    sign_in(page, live_server.url, "recruiter@hirelab.example", demo.DEMO_PASSWORD)
    assert page.locator(".whoami").inner_text().startswith("Riley Recruiter")
    page.click("text=Junior AI Engineer")
    page.wait_for_url(f"{live_server.url}/jobs/*")
    assert page.locator("section[aria-label='Applied'] .card").count() == 2
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/login")
    assert "You are signed out." in page.content()


def test_wrong_password_shows_a_message(live_server, page, demo_data):
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=email]", "recruiter@hirelab.example")
    page.fill("input[name=password]", "nope nope nope")
    page.click("input[type=submit]")
    assert page.locator("p.error").inner_text() == "Wrong email or password."


def test_csp_violations_are_caught(live_server, page, browser_problems):
    """The watcher has teeth: an inline script on our page is blocked and reported."""
    page.goto(f"{live_server.url}/login")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.injected = 1'; document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.injected") is None
    page.wait_for_timeout(200)
    violations = page.evaluate("window.__cspViolations")
    assert any("script-src" in v for v in violations)
    page.evaluate("window.__cspViolations = []")
    browser_problems.clear()

"""The recruiter's pipeline in Chromium: a bulk move on the board, the funnel chart, a CSV file."""

from pathlib import Path

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


def column(page, name):
    return page.locator(f"section[aria-label='{name}']")


def test_recruiter_moves_a_candidate_reads_the_funnel_and_downloads_csv(
    live_server, page, demo_data, tmp_path
):
    sign_in(page, live_server.url, "recruiter@hirelab.example", demo.DEMO_PASSWORD)
    page.click("text=Junior AI Engineer")
    assert column(page, "Applied").locator(".card").count() == 2

    # Tick a card (board.js counts the selection), pick a stage, move.
    column(page, "Applied").get_by_role("checkbox", name="Priya Raman").check()
    assert page.locator("[data-selected-count]").inner_text() == "1 selected"
    page.select_option("#bulk-move select[name=stage]", label="Recruiter screen")
    page.click("#bulk-move input[type=submit]")
    page.wait_for_load_state()
    assert "Moved 1 candidate(s) to Recruiter screen." in page.locator(".flash").inner_text()
    assert column(page, "Recruiter screen").get_by_text("Priya Raman").count() == 1
    assert column(page, "Applied").locator(".card").count() == 1

    # The funnel: Chart.js draws from the JSON block, under the strict CSP.
    page.click("text=Funnel")
    page.wait_for_selector("#funnel-chart[data-rendered=true]")
    page.wait_for_selector("#time-chart[data-rendered=true]")
    assert page.evaluate("Chart.getChart(document.getElementById('funnel-chart')) !== undefined")
    assert page.evaluate("document.getElementById('funnel-chart').width") > 0
    assert "12</strong> applications" in page.content()
    screen = page.locator("#stages-table tr", has_text="Recruiter screen")
    assert screen.locator("td").first.inner_text() == "11"  # reached: everyone but Tom Becker

    # Every table downloads as CSV.
    with page.expect_download() as info:
        page.click("#stages-title a.csv")
    download = info.value
    assert download.suggested_filename.startswith("funnel-job-1-stages-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = Path(saved).read_text().splitlines()
    assert lines[0].startswith("stage,kind,reached,percent_of_applications")
    assert lines[1].startswith("Applied,normal,12,100.0,")

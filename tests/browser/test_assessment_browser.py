"""The assessment reports in Chromium: charts drawn from the JSON blocks under the strict CSP
(no inline script), on the demo cohort of `seed-demo`, and a CSV download."""

import re
from pathlib import Path

import pytest

from app import demo
from app.extensions import db
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_cohort(live_app):
    with live_app.app_context():
        demo.seed(assessment_cohort=True)
        db.session.commit()


def test_recruiter_reads_the_exercise_and_adverse_impact_reports(
    live_server, page, demo_cohort, tmp_path
):
    sign_in(page, live_server.url, "recruiter@hirelab.example", demo.DEMO_PASSWORD)
    page.click("nav >> text=Assessment")
    page.click("text=Churn prediction")
    page.wait_for_selector("#items-chart[data-rendered=true]")
    page.wait_for_selector("#histogram-chart[data-rendered=true]")
    assert page.evaluate("Chart.getChart(document.getElementById('items-chart')) !== undefined")
    alpha = page.locator("#alpha").inner_text()
    assert re.fullmatch(r"0\.\d\d \[0\.\d\d, 0\.\d\d\] n = \d+", alpha), alpha  # with interval
    flagged = page.locator("#items-table tr.flagged", has_text="Runs end to end")
    assert "always passes" in flagged.inner_text()
    assert "ROC AUC" in page.content()
    with page.expect_download() as info:
        page.click("#items-title a.csv")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    lines = Path(saved).read_text().splitlines()
    assert lines[0].startswith("group,title,dimension,max_points,n,difficulty,discrimination")
    assert len(lines) == 1 + 8 + 1  # header, eight groups, alpha

    page.goto(f"{live_server.url}/jobs")
    page.click("text=ML Engineer (graduate intake)")
    page.click("text=Funnel")
    page.click("text=Adverse impact")
    page.wait_for_selector("#impact-chart-0[data-rendered=true]")
    assert page.locator("#impact-charts canvas").count() == 3  # one chart per question
    assert "suppressed" in page.locator("#stages-table").inner_text()

"""The funnel page: filters, chart data block, CSV of every table, roles."""

import csv
import io
import json
from datetime import timedelta

import pytest

from app.models import Role, now_utc
from app.pipeline import operations


@pytest.fixture
def job(db, create_job, create_candidate):
    job = create_job()
    stages = {stage.name: stage for stage in job.stages}
    start = now_utc() - timedelta(days=10)
    for number, (source, path) in enumerate(
        [
            ("referral", ["Recruiter screen", "Take-home"]),
            ("referral", ["Recruiter screen"]),
            ("job board", ["Rejected"]),
        ]
    ):
        candidate = operations.add_candidate(f"P{number}", f"p{number}@example.com", source)
        application = operations.apply(candidate, job, None, at=start)
        for step, name in enumerate(path, start=1):
            reason = "Experience level" if name == "Rejected" else ""
            operations.move(
                application, stages[name], None, reason, at=start + timedelta(days=step)
            )
    db.session.commit()
    return job


def test_funnel_page_shows_tables_and_chart_data(client, auth, create_user, job):
    auth.login(create_user(Role.RECRUITER).email)
    page = client.get(f"/reports/jobs/{job.id}/funnel")
    assert page.status_code == 200
    assert "<strong>3</strong> applications" in page.text
    block = page.text.split('<script type="application/json" id="funnel-data">')[1]
    data = json.loads(block.split("</script>")[0])
    assert data["stages"][:3] == ["Applied", "Recruiter screen", "Take-home"]
    assert {row["label"]: row["reached"][:3] for row in data["sources"]} == {
        "job board": [1, 0, 0],
        "referral": [2, 2, 1],
    }
    assert "vendor/chartjs/chart.umd.js" in page.text and "js/funnel-charts.js" in page.text
    assert "<script>" not in page.text  # no inline script: the CSP would block it


def test_filters_validate_and_apply(client, auth, create_user, job):
    auth.login(create_user(Role.ADMIN).email)
    today = now_utc().date()
    wrong = client.get(f"/reports/jobs/{job.id}/funnel?start={today}&end={today - timedelta(1)}")
    assert "Choose a start on or before the end." in wrong.text
    garbage = client.get(f"/reports/jobs/{job.id}/funnel?start=yesterday&source=pigeon")
    assert garbage.status_code == 200 and "Not a valid date value." in garbage.text
    assert "Not a valid choice." in garbage.text
    referral = client.get(f"/reports/jobs/{job.id}/funnel?source=referral")
    assert "<strong>2</strong> applications" in referral.text
    old = client.get(f"/reports/jobs/{job.id}/funnel?start=2020-01-01&end=2020-12-31")
    assert "<strong>0</strong> applications" in old.text and "No applications" in old.text


@pytest.mark.parametrize(
    ("table", "header", "first"),
    [
        ("stages", "stage,kind,reached,percent_of_applications", "Applied,normal,3,100.0,,3,0"),
        ("sources", "source,applications,Applied,Recruiter screen", "job board,1,1,0,"),
        ("dropoff", "outcome,reason,left_from_stage,applications", "Rejected,Experience level"),
    ],
)
def test_every_table_downloads_as_csv(client, auth, create_user, job, table, header, first):
    auth.login(create_user(Role.RECRUITER).email)
    response = client.get(f"/reports/jobs/{job.id}/funnel/{table}.csv?source=")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"funnel-job-{job.id}-{table}-" in response.headers["Content-Disposition"]
    lines = response.text.splitlines()
    assert lines[0].startswith(header) and lines[1].startswith(first)
    assert all(
        len(row) == len(lines[0].split(",")) for row in csv.reader(io.StringIO(response.text))
    )


def test_unknown_table_is_404(client, auth, create_user, job):
    auth.login(create_user(Role.RECRUITER).email)
    assert client.get(f"/reports/jobs/{job.id}/funnel/secrets.csv").status_code == 404


def test_interviewers_cannot_see_the_funnel(client, auth, create_user, job):
    auth.login(create_user(Role.INTERVIEWER).email)
    assert client.get(f"/reports/jobs/{job.id}/funnel").status_code == 403
    assert client.get(f"/reports/jobs/{job.id}/funnel/stages.csv").status_code == 403


def test_cached_funnel_shows_moves_new_applications_and_stage_names(
    client, auth, create_user, job, db
):
    """The funnel is cached per process on the job's revision: every change after it shows."""
    auth.login(create_user(Role.RECRUITER).email)
    url = f"/reports/jobs/{job.id}/funnel"
    assert "<strong>3</strong> applications" in client.get(url).text
    stages = {stage.name: stage for stage in job.stages}
    operations.apply(operations.add_candidate("P9", "p9@example.com", "referral"), job, None)
    db.session.commit()
    assert "<strong>4</strong> applications" in client.get(url).text
    screened = next(a for a in job.applications if a.candidate.name == "P1")
    operations.move(screened, stages["Take-home"], None)
    db.session.commit()
    data = client.get(url).text.split('id="funnel-data">')[1].split("</script>")[0]
    assert {row["label"]: row["reached"][:3] for row in json.loads(data)["sources"]} == {
        "job board": [1, 0, 0],
        "referral": [3, 2, 2],
    }
    stages["Take-home"].name = "Home exercise"
    db.session.commit()
    assert "Home exercise" in client.get(url).text


def test_a_repeated_funnel_page_renders_its_figures_once(app, client, auth, create_user, job):
    """The figures are rendered once per change of the funnel, and per query string: the CSV
    links carry each request's own filters."""
    from flask import template_rendered

    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    auth.login(create_user(Role.RECRUITER).email)
    url = f"/reports/jobs/{job.id}/funnel"
    template_rendered.connect(record, app)
    try:
        first, again = client.get(url).text, client.get(url).text
        filtered = client.get(f"{url}?source=referral").text
    finally:
        template_rendered.disconnect(record, app)
    assert rendered.count("reports/_funnel_report.html") == 2, rendered
    assert rendered.count("reports/funnel.html") == 3, rendered
    assert first == again
    assert "source=referral" in filtered and "source=referral" not in first

"""Calibration numbers on a hand-built panel with known answers, on SQLite and PostgreSQL.

Scores (below=1, meets=2, strong=3; "-" = no evidence), current submitted scorecards only:

    candidate   A: ml  collab   B: ml  collab   C: ml  collab
    X              3   2           2   2           (draft only)
    Y              3   1           3   2           1   -
    Z              2   3

A's scorecard for X was first submitted with ml=1 and then amended to 3: only 3 counts.
"""

from __future__ import annotations

import pytest

from app.csv_export import csv_text
from app.extensions import db
from app.models import Role, User
from app.pipeline import operations as pipeline_operations
from app.reports.calibration import calibration, csv_header, csv_rows
from app.scorecards import operations
from tests.conftest import app_context_on
from tests.scorecards.conftest import full_input, save, schedule, submit

LEVEL = {1: "below", 2: "meets", 3: "strong", None: "no_evidence"}


def scored(ml, collab):
    return full_input(
        levels={
            "ml_fundamentals": LEVEL[ml],
            "collaboration": LEVEL[collab],
            "production_mindset": "no_evidence",
            "learning_agility": "no_evidence",
        }
    )


def build_dataset():
    a, b, c = (
        User(email=f"{n}@hirelab.example", name=f"Interviewer {n}", role=Role.INTERVIEWER)
        for n in "ABC"
    )
    db.session.add_all([a, b, c])
    job = pipeline_operations.create_job("Junior AI Engineer", None)
    applications = {}
    for name in "XYZ":
        candidate = pipeline_operations.add_candidate(name, f"{name}@example.com", "referral")
        applications[name] = pipeline_operations.apply(candidate, job, None)
    db.session.commit()
    x = schedule(applications["X"], [a, b, c])
    y = schedule(applications["Y"], [a, b, c])
    z = schedule(applications["Z"], [a])
    first = submit(x, a, scored(1, 2))
    operations.amend(first, a, "ml misread")
    db.session.commit()
    submit(x, a, scored(3, 2))
    submit(x, b, scored(2, 2))
    save(x, c, scored(1, 1))  # a draft: not counted
    submit(y, a, scored(3, 1))
    submit(y, b, scored(3, 2))
    submit(y, c, scored(1, None))
    submit(z, a, scored(2, 3))
    return a, b, c


@pytest.fixture
def dataset(database_url):
    with app_context_on(database_url):
        db.create_all()
        yield build_dataset()


def test_agreement_and_distributions_have_the_known_values(dataset):
    report = calibration()
    approx = pytest.approx
    ml = report.agreement_by_dimension["ml_fundamentals"]
    assert (ml.pairs, ml.mean_abs_diff, ml.exact_agreement) == (4, approx(1.25), approx(0.25))
    collab = report.agreement_by_dimension["collaboration"]
    assert (collab.pairs, collab.mean_abs_diff, collab.exact_agreement) == (
        2,
        approx(0.5),
        approx(0.5),
    )
    assert "production_mindset" not in report.agreement_by_dimension  # all no evidence
    overall = report.agreement_overall
    assert (overall.pairs, overall.mean_abs_diff, overall.exact_agreement) == (
        6,
        approx(1.0),
        approx(1 / 3),
    )

    rows = {(row.interviewer, row.dimension): row for row in report.rows}
    a_ml = rows["Interviewer A", "ml_fundamentals"]
    assert a_ml.scores.counts == {"strong": 2, "meets": 1}
    assert (a_ml.scores.rated, a_ml.scores.mean) == (3, approx(8 / 3))
    assert a_ml.panel.counts == {"strong": 3, "meets": 2, "below": 1}
    assert a_ml.panel.mean == approx(14 / 6)
    assert a_ml.mean_vs_panel == approx(8 / 3 - 14 / 6)
    assert (a_ml.agreement.pairs, a_ml.agreement.mean_abs_diff) == (3, approx(1.0))
    assert a_ml.agreement.exact_agreement == approx(1 / 3)
    assert a_ml.agreement.mean_signed_diff == approx(1.0)

    b_ml = rows["Interviewer B", "ml_fundamentals"]
    assert (b_ml.scores.mean, b_ml.agreement.mean_signed_diff) == (approx(2.5), approx(1 / 3))
    c_ml = rows["Interviewer C", "ml_fundamentals"]
    assert (c_ml.scores.mean, c_ml.agreement.pairs) == (approx(1.0), 2)
    assert (c_ml.agreement.mean_abs_diff, c_ml.agreement.exact_agreement) == (approx(2), 0)
    assert c_ml.agreement.mean_signed_diff == approx(-2.0)

    c_collab = rows["Interviewer C", "collaboration"]
    assert c_collab.scores.counts == {"no_evidence": 1}
    assert (c_collab.scores.rated, c_collab.scores.mean, c_collab.mean_vs_panel) == (0, None, None)
    assert c_collab.agreement.pairs == 0
    a_collab = rows["Interviewer A", "collaboration"]
    assert a_collab.panel.mean == approx(2.0) and a_collab.panel.rated == 5
    assert a_collab.agreement.mean_signed_diff == approx(-0.5)

    assert report.levels == ["no_evidence", "below", "meets", "strong"]
    assert report.dimensions == [
        "ml_fundamentals",
        "production_mindset",
        "collaboration",
        "learning_agility",
    ]


def test_csv_has_one_row_per_interviewer_and_dimension(dataset):
    report = calibration()
    text = csv_text(csv_header(report), csv_rows(report))
    lines = text.strip().splitlines()
    assert lines[0].startswith("interviewer,dimension,rated,mean,panel_mean,mean_vs_panel,pairs")
    assert lines[0].endswith("count_no_evidence,count_below,count_meets,count_strong")
    assert len(lines) == 1 + 3 * 4
    assert "Interviewer A,ml_fundamentals,3,2.6667,2.3333,0.3333,3,1.0,0.3333,1.0,0,0,1,2" in lines


def test_calibration_pages_for_recruiters_only(panel, client, auth):
    submit(panel.interview, panel.first)
    submit(panel.interview, panel.second, full_input("strong"))
    auth.login_as(panel.first)
    assert client.get("/reports/calibration").status_code == 403
    assert client.get("/reports/calibration.csv").status_code == 403
    auth.login_as(panel.recruiter)
    page = client.get("/reports/calibration")
    assert page.status_code == 200
    assert "Ian First" in page.text and "Mean abs. difference" in page.text
    assert "<td>Production mindset</td>" in page.text  # titles, not keys
    assert "100%" not in page.text  # meets vs strong: no exact agreement
    download = client.get("/reports/calibration.csv")
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Ines Second,production_mindset,1,3.0,2.5,0.5,1,1.0,0.0,1.0" in download.text

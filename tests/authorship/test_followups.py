"""Authorship follow-ups: questions generated from the candidate's own notebook and grading, shown
on the interview kit and the scorecard form, and the interviewer's record of how well the
candidate explained their work kept on the scorecard (evidence; no score moves)."""

from __future__ import annotations

from pathlib import Path

from app.authorship.questions import grading_questions, notebook_questions
from app.extensions import db
from app.grading.operations import ScoredGroup
from app.models import Role, Scorecard
from app.pipeline import operations as pipeline
from tests.scorecards.conftest import schedule, staff
from tests.similarity.answers import INDEPENDENT, notebook
from tests.similarity.conftest import graded

REFERENCE = Path(__file__).parents[2] / "exercises" / "ml-take-home" / "reference"
LEAK = ScoredGroup(
    "no_leakage",
    "No target leakage",
    "ml_fundamentals",
    0.0,
    10.0,
    False,
    "predictions depend on refund_issued",
)


def test_questions_follow_the_candidates_own_code():
    full = [q.prompt for q in notebook_questions((REFERENCE / "full-marks.ipynb").read_bytes())]
    leaky = [q.prompt for q in notebook_questions((REFERENCE / "leaky.ipynb").read_bytes())]
    assert any("drops customer_id, signup_date, refund_issued" in p for p in full)
    assert not any("refund_issued" in p and "drops" in p for p in leaky)  # it keeps the leak
    assert any("THRESHOLD = 0.3" in p for p in full)
    assert any("test_pipeline_ignores_refund_issued" in p for p in full)
    assert not any("test_pipeline_ignores_refund_issued" in p for p in leaky)


def test_a_failed_check_becomes_a_question_with_the_graders_message():
    [question] = grading_questions([("No target leakage", "predictions depend on refund_issued")])
    assert "“No target leakage” did not pass: “predictions depend on refund_issued”" in (
        question.prompt
    )
    assert "scored below full points" in question.why


def test_the_interviewer_asks_and_records_how_well_the_candidate_explained(app, client, auth):
    recruiter = staff(Role.RECRUITER, "Rita Recruiter")
    job = pipeline.create_job("Junior AI Engineer", recruiter)
    db.session.commit()
    submission = graded(job, "Bo", notebook(INDEPENDENT), groups=[LEAK])
    application = submission.assignment.application
    interviewer = staff(Role.INTERVIEWER, "Ivy Interviewer")
    interview = schedule(application, [interviewer], kit_id="take-home-review", actor=recruiter)
    score_before = submission.runs[-1].score
    auth.login_as(interviewer)
    for url in (f"/interviews/{interview.id}", f"/interviews/{interview.id}/scorecard"):
        page = client.get(url).text
        assert "Questions about the candidate's own work" in page
        assert "predictions depend on refund_issued" in page
        assert "drops refund_issued, customer_id" in page
        assert "test_no_leaky_column_reaches_the_model" in page
        assert f"/submissions/{submission.id}" in page  # every question links to its source
    response = client.post(
        f"/interviews/{interview.id}/scorecard",
        data={
            "authorship": "partial",
            "authorship_notes": "Unsure why the refund flag leaks",
            "save": "Save draft",
        },
    )
    assert response.status_code == 302
    card = db.session.query(Scorecard).one()
    assert (card.authorship, card.authorship_notes) == (
        "partial",
        "Unsure why the refund flag leaks",
    )
    refused = client.post(
        f"/interviews/{interview.id}/scorecard", data={"authorship": "genius", "save": "Save draft"}
    )
    assert refused.status_code == 200 and "Not a valid choice" in refused.text
    db.session.refresh(submission.runs[-1])
    assert submission.runs[-1].score == score_before  # evidence only

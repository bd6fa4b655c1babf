"""The debrief: scores side by side per dimension, auto-grading evidence, red flags, decision."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import (
    Assignment,
    GradingRun,
    GroupScore,
    RunStatus,
    StageKind,
    StageTransition,
    Submission,
    now_utc,
)
from app.scorecards import queries
from tests.scorecards.conftest import full_input, save, submit


def graded_take_home(application, groups, status=RunStatus.GRADED, slug="ml-take-home"):
    """An assignment with one submission and one run holding these (group, dimension, score,
    max) rows, created directly from the models."""
    assignment = Assignment(
        application=application,
        exercise_slug=slug,
        time_budget_minutes=120,
        open_by=now_utc() + timedelta(days=3),
    )
    submission = Submission(
        assignment=assignment,
        filename="churn.ipynb",
        notebook=b"{}",
        sha256="0" * 64,
        size_bytes=2,
    )
    run = GradingRun(submission=submission, status=status, score=0, max_score=0)
    for group_id, dimension, score, max_score in groups:
        run.group_scores.append(
            GroupScore(
                group_id=group_id,
                title=group_id.replace("_", " ").capitalize(),
                dimension=dimension,
                score=score,
                max_score=max_score,
            )
        )
    db.session.add(assignment)
    db.session.commit()
    return run


def test_debrief_puts_scores_evidence_flags_and_recommendations_together(panel, client, auth):
    graded_take_home(
        panel.application,
        [
            ("no_leakage", "ml_fundamentals", 20, 20),
            ("imbalance_metrics", "ml_fundamentals", 5, 15),
            ("reproducible", "production_mindset", 0, 10),
        ],
    )
    # A queued (ungraded) run is not evidence.
    graded_take_home(
        panel.application,
        [("ghost", "data_sql", 9, 9)],
        status=RunStatus.QUEUED,
        slug="metric-debugging",
    )
    submit(
        panel.interview,
        panel.first,
        full_input(
            "strong",
            "strong_yes",
            dimension_notes={"ml_fundamentals": "Explained PR AUC vs ROC AUC"},
        ),
    )
    submit(
        panel.interview,
        panel.second,
        full_input(
            levels={
                "production_mindset": "below",
                "ml_fundamentals": "meets",
                "collaboration": "meets",
                "learning_agility": "no_evidence",
            },
            red_flags=("rerun_until_good",),
            recommendation="no",
        ),
    )

    report = queries.debrief(panel.application, panel.recruiter)
    assert [card.interviewer.name for card in report.columns] == ["Ian First", "Ines Second"]
    rows = {row.dimension.key: row for row in report.rows}
    assert len(rows) == 6
    ml = rows["ml_fundamentals"]
    assert [cell.label for cell in ml.cells] == ["Strong", "Meets"]
    assert [(e.group_id, e.score, e.max_score) for e in ml.evidence] == [
        ("no_leakage", 20, 20),
        ("imbalance_metrics", 5, 15),
    ]
    assert rows["python_engineering"].cells == [None, None]  # not covered by this kit
    assert rows["data_sql"].evidence == []
    assert [signal.key for _, signal in report.red_flags] == ["rerun_until_good"]
    assert report.pending == []

    auth.login_as(panel.recruiter)
    page = client.get(f"/applications/{panel.application.id}/debrief").text
    assert "Explained PR AUC vs ROC AUC" in page
    assert "20/20" in page and "5/15" in page and "0/10" in page
    assert "ghost" not in page.lower()
    assert 'class="redflag-box"' in page and "Disregards reproducibility" in page
    assert "Strong yes" in page and ">No<" in page
    assert 'class="level level-below"' in page


def test_interviewer_debrief_after_submitting_shows_both(panel, client, auth):
    submit(panel.interview, panel.first, full_input("strong", "strong_yes"))
    submit(panel.interview, panel.second, full_input("below", "no"))
    auth.login_as(panel.second)
    page = client.get(f"/interviews/{panel.interview.id}/debrief").text
    assert "Ian First" in page and "Ines Second" in page
    assert "Strong yes" in page
    assert "Record decision" not in page  # deciding is the recruiters' job


def test_pending_seats_are_listed_for_recruiters(panel):
    submit(panel.interview, panel.first)
    save(panel.interview, panel.second)
    report = queries.debrief(panel.application, panel.recruiter)
    assert [user.name for _, user in report.pending] == ["Ines Second"]
    assert len(report.columns) == 1  # drafts are not columns


def test_decision_advances_through_pipeline_move(panel, client, auth, db):
    auth.login_as(panel.recruiter)
    response = client.post(
        f"/applications/{panel.application.id}/decision",
        data={"decision": "advance", "details": "Strong panel"},
    )
    assert response.status_code == 302
    db.session.refresh(panel.application)
    assert panel.application.stage.name == "Debrief"
    last = db.session.scalars(
        db.select(StageTransition).order_by(StageTransition.id.desc())
    ).first()
    assert (last.from_stage.name, last.to_stage.name, last.actor_id, last.reason) == (
        "Technical interviews",
        "Debrief",
        panel.recruiter.id,
        "Strong panel",
    )


def test_rejection_needs_a_reason_and_lands_in_rejected(panel, client, auth, db):
    auth.login_as(panel.recruiter)
    url = f"/applications/{panel.application.id}/decision"
    response = client.post(url, data={"decision": "reject", "details": "weak"})
    assert response.status_code == 400
    assert "Say why the candidate is rejected: choose a reason from the list." in response.text
    db.session.refresh(panel.application)
    assert panel.application.stage.name == "Technical interviews"
    client.post(
        url,
        data={
            "decision": "reject",
            "reason": "Interview performance",
            "details": "Production mindset below the bar",
        },
    )
    db.session.refresh(panel.application)
    assert panel.application.stage.kind is StageKind.REJECTED
    assert panel.application.transitions[-1].reason == (
        "Interview performance — Production mindset below the bar"
    )
    # A closed application cannot be advanced.
    response = client.post(url, data={"decision": "advance"})
    assert "The application is closed" in response.text


def test_interviewers_cannot_decide(panel, client, auth):
    submit(panel.interview, panel.first)
    auth.login_as(panel.first)
    response = client.post(
        f"/applications/{panel.application.id}/decision", data={"decision": "advance"}
    )
    assert response.status_code == 403

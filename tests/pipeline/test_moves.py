"""Reject, withdraw, bulk moves and notes: operations and the forms that call them."""

from datetime import timedelta

import pytest

from app.errors import DomainError
from app.models import Application, Note, Role, StageKind, StageTransition, now_utc
from app.pipeline import operations


def stage_named(job, name):
    return next(stage for stage in job.stages if stage.name == name)


@pytest.fixture
def recruiter(auth, create_user):
    user = create_user(Role.RECRUITER)
    auth.login(user.email)
    return user


def test_reject_stores_category_and_details(db, create_job, create_candidate):
    job = create_job()
    (application,) = create_candidate(job).applications
    transition = operations.reject(application, "Communication", "  hard to follow ", None)
    assert application.stage.kind is StageKind.REJECTED
    assert transition.reason == "Communication — hard to follow"


def test_reject_and_withdraw_refuse_unlisted_or_missing_reasons(db, create_job, create_candidate):
    job = create_job()
    (application,) = create_candidate(job).applications
    with pytest.raises(DomainError, match="choose a reason from the list"):
        operations.reject(application, "", "no reason given", None)
    with pytest.raises(DomainError, match="not a rejected reason"):
        operations.reject(application, "Accepted another offer", "", None)
    with pytest.raises(DomainError, match="Say why the candidate withdrew"):
        operations.withdraw(application, "", "", None)
    operations.withdraw(application, "Accepted another offer", "", None)
    assert application.stage.kind is StageKind.WITHDRAWN


def test_move_many_moves_all_with_one_timestamp(db, create_job, create_candidate):
    job = create_job()
    ids = [create_candidate(job).applications[0].id for _ in range(3)]
    screen = stage_named(job, "Recruiter screen")
    moved = operations.move_many(job, ids, screen.id, None)
    db.session.commit()
    assert len(moved) == 3 and len({t.at for t in moved}) == 1
    assert {a.stage_id for a in db.session.scalars(db.select(Application))} == {screen.id}


def test_move_many_is_all_or_nothing(db, create_job, create_candidate):
    job, other = create_job("A"), create_job("B")
    ids = [create_candidate(job).applications[0].id for _ in range(2)]
    foreign = create_candidate(other).applications[0].id
    screen = stage_named(job, "Recruiter screen")
    operations.move(db.session.get(Application, ids[0]), screen, None)
    db.session.commit()
    before = db.session.query(StageTransition).count()
    with pytest.raises(DomainError, match="Already in Recruiter screen: Candidate 1"):
        operations.move_many(job, ids, screen.id, None)
    with pytest.raises(DomainError, match="no longer in this job"):
        operations.move_many(job, [ids[1], foreign], screen.id, None)
    with pytest.raises(DomainError, match="Choose a stage of A"):
        operations.move_many(job, ids, stage_named(other, "Offer").id, None)
    with pytest.raises(DomainError, match="Tick at least one"):
        operations.move_many(job, [], screen.id, None)
    with pytest.raises(DomainError, match="Say why the candidate is rejected"):
        operations.move_many(job, ids, stage_named(job, "Rejected").id, None)
    with pytest.raises(DomainError, match="for Rejected or Withdrawn"):
        operations.move_many(job, [ids[1]], screen.id, None, category="Communication")
    db.session.rollback()
    assert db.session.query(StageTransition).count() == before


def test_bulk_move_form_on_the_board(client, db, recruiter, create_job, create_candidate):
    job = create_job()
    ids = [create_candidate(job).applications[0].id for _ in range(3)]
    rejected = stage_named(job, "Rejected")
    response = client.post(
        f"/jobs/{job.id}/move",
        data={
            "applications": ids[:2],
            "stage": rejected.id,
            "reason": "Experience level",
            "details": "",
            "back": f"/jobs/{job.id}",
        },
        follow_redirects=True,
    )
    assert "Moved 2 candidate(s) to Rejected." in response.text
    reasons = db.session.scalars(
        db.select(StageTransition.reason).where(StageTransition.to_stage_id == rejected.id)
    ).all()
    assert reasons == ["Experience level", "Experience level"]
    assert db.session.get(Application, ids[2]).stage.name == "Applied"


def test_bulk_move_errors_say_what_to_fix(client, db, recruiter, create_job, create_candidate):
    job = create_job()
    (application,) = create_candidate(job).applications
    page = client.post(
        f"/jobs/{job.id}/move",
        data={"applications": [application.id], "stage": 0, "back": f"/jobs/{job.id}"},
        follow_redirects=True,
    )
    assert "Choose a stage to move to." in page.text
    page = client.post(
        f"/jobs/{job.id}/move",
        data={"stage": stage_named(job, "Offer").id, "back": "https://evil.example/"},
    )
    # Back on this job's board (with the refused selection kept), never the offered URL.
    assert page.status_code == 302 and page.location.split("?")[0] == f"/jobs/{job.id}"
    assert db.session.query(StageTransition).count() == 1


def test_reject_and_withdraw_forms(client, db, recruiter, create_job, create_candidate):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    page = client.post(
        f"/applications/{application.id}/reject",
        data={f"reject{application.id}-reason": ""},
        follow_redirects=True,
    )
    assert "Choose a rejection reason." in page.text
    client.post(
        f"/applications/{application.id}/withdraw",
        data={
            f"withdraw{application.id}-reason": "Compensation",
            f"withdraw{application.id}-details": "asked for 2x",
        },
    )
    db.session.refresh(application)
    assert application.stage.name == "Withdrawn"
    assert application.transitions[-1].reason == "Compensation — asked for 2x"
    assert application.transitions[-1].actor == recruiter


def test_notes_on_the_profile(client, db, recruiter, create_job, create_candidate):
    candidate = create_candidate(create_job())
    page = client.post(
        f"/candidates/{candidate.id}/notes", data={"body": "   "}, follow_redirects=True
    )
    assert "Write something in the note." in page.text
    client.post(f"/candidates/{candidate.id}/notes", data={"body": "Strong <b>referral</b>"})
    (note,) = db.session.scalars(db.select(Note)).all()
    assert (note.author, note.body) == (recruiter, "Strong <b>referral</b>")
    profile = client.get(f"/candidates/{candidate.id}").text
    assert "Strong &lt;b&gt;referral&lt;/b&gt;" in profile and recruiter.name in profile


def test_invite_moves_nothing(client, db, recruiter, create_job, create_candidate):
    candidate = create_candidate(create_job())
    before = db.session.query(StageTransition).count()
    response = client.post(f"/candidates/{candidate.id}/invite")
    assert response.status_code == 200
    assert db.session.query(StageTransition).count() == before
    assert candidate.applications[0].stage.name == "Applied"


def test_stale_threshold_setting(client, db, recruiter, create_job):
    job = create_job()
    page = client.post(
        f"/jobs/{job.id}/settings", data={"stale_after_days": 0}, follow_redirects=True
    )
    assert "Choose between 1 and 365 days." in page.text
    client.post(f"/jobs/{job.id}/settings", data={"stale_after_days": 14})
    db.session.refresh(job)
    assert job.stale_after_days == 14
    assert 'value="14"' in client.get(f"/jobs/{job.id}/settings").text


def test_stale_candidates_are_flagged_on_the_board(
    client, db, recruiter, create_job, create_candidate
):
    job = create_job()
    old, _fresh = (create_candidate(job, name=n).applications[0] for n in ("Old Olga", "New Ned"))
    old.stage_entered_at = now_utc() - timedelta(days=8)
    db.session.commit()
    board = client.get(f"/jobs/{job.id}").text
    applied = board.split('aria-label="Applied"')[1].split("</section>")[0]
    assert "1 stale" in applied
    olga = applied.split("Old Olga")[1].split("</article>")[0]
    ned = applied.split("New Ned")[1].split("</article>")[0]
    assert "stale" in olga and "8 d in stage" in olga
    assert "stale" not in ned and "0 d in stage" in ned


def test_board_caps_columns_and_stage_list_pages(
    client, db, recruiter, create_job, create_candidate, monkeypatch
):
    from app.pipeline import queries

    monkeypatch.setattr(queries, "BOARD_COLUMN_CAP", 2)
    monkeypatch.setattr(queries, "STAGE_PAGE_SIZE", 2)
    job = create_job()
    for number in range(5):
        create_candidate(job, name=f"Person {number}")
    applied = stage_named(job, "Applied")
    board = client.get(f"/jobs/{job.id}").text
    column = board.split('aria-label="Applied"')[1].split("</section>")[0]
    assert column.count('class="card') == 2 and "3 more — see all 5" in column
    last = client.get(f"/jobs/{job.id}/stages/{applied.id}?page=3").text
    assert "Page 3 of 3" in last and "Person 4" in last and "Person 0" not in last


def test_board_shows_scorecard_and_score_hooks(db, create_job, create_candidate):
    from app.pipeline import queries

    job = create_job()
    create_candidate(job)
    (column, *_) = queries.board(job)
    (card,) = column.cards
    assert card.score is None and card.scorecards_expected is None


def test_candidates_csv_download_defuses_formulas(client, db, recruiter, create_job):
    job = create_job()
    candidate = operations.add_candidate("=HYPERLINK(1)", "f@example.com", "referral")
    operations.apply(candidate, job, None)
    db.session.commit()
    response = client.get(f"/jobs/{job.id}/candidates.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.text.splitlines()
    assert lines[0] == "name,email,source,stage,applied_at,stage_entered_at"
    assert lines[1].startswith("'=HYPERLINK(1),f@example.com,referral,Applied,")


def test_cards_show_grading_score_and_scorecards_submitted_of_expected(
    client, db, recruiter, create_job, create_candidate, create_user
):
    from app.models import (
        Assignment,
        GradingRun,
        Interview,
        InterviewAssignment,
        RunStatus,
        Scorecard,
        ScorecardStatus,
        Submission,
    )

    job = create_job()
    candidate = create_candidate(job, name="Scored Sam")
    (application,) = candidate.applications
    assignment = Assignment(
        application=application,
        exercise_slug="ml-take-home",
        time_budget_minutes=240,
        open_by=now_utc() + timedelta(days=3),
    )
    submission = Submission(
        assignment=assignment, filename="a.ipynb", notebook=b"{}", sha256="0" * 64, size_bytes=2
    )
    submission.runs = [
        GradingRun(status=RunStatus.GRADED, score=40.0, max_score=100.0),
        GradingRun(status=RunStatus.GRADED, score=72.5, max_score=100.0),  # the latest counts
    ]
    ian, ines = create_user(Role.INTERVIEWER), create_user(Role.INTERVIEWER)
    interview = Interview(
        application=application,
        stage=stage_named(job, "Technical interviews"),
        kit_id="debugging",
        kit_title="Debugging",
        scheduled_at=now_utc(),
    )
    interview.panel = [InterviewAssignment(interviewer=ian), InterviewAssignment(interviewer=ines)]
    snapshot = {"id": "r", "version": 1}
    for version, status in ((1, ScorecardStatus.SUBMITTED), (2, ScorecardStatus.SUBMITTED)):
        db.session.add(
            Scorecard(
                interview=interview,
                interviewer=ian,
                application=application,
                version=version,
                status=status,
                rubric_id="r",
                rubric_version=1,
                rubric_snapshot=snapshot,
                kit_snapshot=snapshot,
            )
        )  # an amended scorecard still counts once
    db.session.add_all([submission, interview])
    db.session.commit()
    board = client.get(f"/jobs/{job.id}").text
    card = board.split("Scored Sam")[1].split("</article>")[0]
    assert "Take-home 72.5/100" in card
    assert "Scorecards 1/2" in card
    profile = client.get(f"/candidates/{candidate.id}").text
    assert "ml-take-home" in profile and "72.5/100" in profile and "graded" in profile

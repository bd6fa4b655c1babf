"""The board's columns are cached per web process on the job's board revision: every input of the
board, changed after the board was cached, shows on the next request (app/pipeline/board_cache.py,
app/models/board_revision.py)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    Assignment,
    GradingRun,
    Interview,
    InterviewAssignment,
    Role,
    RunStatus,
    Scorecard,
    ScorecardStatus,
    Submission,
    now_utc,
)
from app.pipeline import board_cache, operations
from app.privacy.erasure import erase_candidate
from tests.conftest import app_context_on


def stage_named(job, name):
    return next(stage for stage in job.stages if stage.name == name)


def column(page: str, stage: str) -> str:
    return page.split(f'aria-label="{stage}"')[1].split("</section>")[0]


def card(page: str, name: str) -> str:
    return page.split(name)[1].split("</article>")[0]


@pytest.fixture
def recruiter(auth, create_user):
    user = create_user(Role.RECRUITER)
    auth.login(user.email)
    return user


@pytest.fixture
def board(client, recruiter):
    def get(job) -> str:
        response = client.get(f"/jobs/{job.id}")
        assert response.status_code == 200
        return response.text

    return get


def _graded(db, application, score: float) -> Submission:
    assignment = Assignment(
        application=application,
        exercise_slug="ml-take-home",
        time_budget_minutes=240,
        open_by=now_utc() + timedelta(days=3),
    )
    submission = Submission(
        assignment=assignment, filename="a.ipynb", notebook=b"{}", sha256="0" * 64, size_bytes=2
    )
    submission.runs = [GradingRun(status=RunStatus.GRADED, score=score, max_score=100.0)]
    db.session.add(submission)
    db.session.commit()
    return submission


def _interview(db, job, application, interviewers) -> Interview:
    interview = Interview(
        application=application,
        stage=stage_named(job, "Technical interviews"),
        kit_id="debugging",
        kit_title="Debugging",
        scheduled_at=now_utc(),
    )
    interview.panel = [InterviewAssignment(interviewer=user) for user in interviewers]
    db.session.add(interview)
    db.session.commit()
    return interview


def _scorecard(db, interview, interviewer, red_flags=()) -> Scorecard:
    snapshot = {"id": "r", "version": 1}
    scorecard = Scorecard(
        interview=interview,
        interviewer=interviewer,
        application=interview.application,
        version=1,
        status=ScorecardStatus.SUBMITTED,
        rubric_id="r",
        rubric_version=1,
        rubric_snapshot=snapshot,
        kit_snapshot=snapshot,
        red_flags=list(red_flags),
    )
    db.session.add(scorecard)
    db.session.commit()
    return scorecard


def test_new_moved_withdrawn_and_renamed_applications_show(
    db, board, create_job, create_candidate
):
    job = create_job()
    (moving,) = create_candidate(job, name="Moving Mia").applications
    (leaving,) = create_candidate(job, name="Leaving Leo").applications
    renamed = create_candidate(job, name="Old Name")
    assert "Moving Mia" in column(board(job), "Applied")  # cached now
    create_candidate(job, name="Late Lena")
    operations.move(moving, stage_named(job, "Recruiter screen"), None)
    operations.withdraw(leaving, "Accepted another offer", "", None)
    renamed.name = "New Name"
    db.session.commit()
    page = board(job)
    assert "Late Lena" in column(page, "Applied")
    assert "Moving Mia" in column(page, "Recruiter screen")
    assert "Moving Mia" not in column(page, "Applied")
    assert "Leaving Leo" in column(page, "Withdrawn")
    assert "New Name" in page and "Old Name" not in page


def test_erasure_shows(db, board, create_job, create_candidate):
    job = create_job()
    candidate = create_candidate(job, name="Erased Eve")
    assert "Erased Eve" in board(job)
    erase_candidate(candidate, None)
    db.session.commit()
    page = board(job)
    assert "Erased Eve" not in page and f"Erased candidate {candidate.id}" in page


def test_scores_new_submissions_interviews_scorecards_and_red_flags_show(
    db, board, create_job, create_candidate, create_user
):
    job = create_job()
    (application,) = create_candidate(job, name="Scored Sam").applications
    assert "Take-home" not in card(board(job), "Scored Sam")
    submission = _graded(db, application, 72.5)
    assert "Take-home 72.5/100" in card(board(job), "Scored Sam")
    # A new upload of the same assignment: its run is not graded yet, so no score shows.
    db.session.add(
        Submission(
            assignment=submission.assignment,
            filename="b.ipynb",
            notebook=b"{}",
            sha256="1" * 64,
            size_bytes=2,
        )
    )
    db.session.commit()
    assert "Take-home" not in card(board(job), "Scored Sam")

    ian, ines = create_user(Role.INTERVIEWER), create_user(Role.INTERVIEWER)
    interview = _interview(db, job, application, [ian])
    assert "Scorecards 0/1" in card(board(job), "Scored Sam")
    interview.panel.append(InterviewAssignment(interviewer=ines))  # a second seat on the panel
    db.session.commit()
    assert "Scorecards 0/2" in card(board(job), "Scored Sam")
    scorecard = _scorecard(db, interview, ian, red_flags=["plagiarism"])
    shown = card(board(job), "Scored Sam")
    assert "Scorecards 1/2" in shown and "1 red flag" in shown
    scorecard.superseded_at = now_utc()  # amended: its red flags no longer count
    db.session.commit()
    assert "red flag" not in card(board(job), "Scored Sam")


def test_a_graded_result_stored_by_the_worker_shows(db, board, create_job, create_candidate):
    """record_result stores the verdict with a bulk UPDATE, which no flush sees: it raises the
    revision itself."""
    from app.grading import operations as grading

    job = create_job()
    (application,) = create_candidate(job, name="Graded Gus").applications
    submission = _graded(db, application, 10.0)
    run = GradingRun(submission=submission, status=RunStatus.QUEUED)
    db.session.add(run)
    db.session.commit()
    assert "Take-home 10/100" in card(board(job), "Graded Gus")
    assert grading.claim_run(run.id, "worker-1", timedelta(minutes=1))
    db.session.commit()
    scored = grading.ScoredRun(
        verdict="completed",
        message="",
        score=90.0,
        max_score=100.0,
        duration_s=1.0,
        cells_total=1,
        cells_executed=1,
        groups=(),
        tests=(),
        executed_notebook=None,
        logs="",
    )
    assert grading.record_result(run.id, "worker-1", scored)
    db.session.commit()
    assert "Take-home 90/100" in card(board(job), "Graded Gus")


def test_stages_settings_and_the_clock_show(
    db, board, create_job, create_candidate, client, monkeypatch
):
    job = create_job()
    (application,) = create_candidate(job, name="Waiting Will").applications
    application.stage_entered_at = now_utc() - timedelta(days=3, hours=1)
    db.session.commit()
    page = board(job)
    assert "3 d in stage" in card(page, "Waiting Will") and "stale" not in column(page, "Applied")
    stage_named(job, "Applied").name = "New applicants"
    db.session.commit()
    assert "Waiting Will" in column(board(job), "New applicants")
    client.post(f"/jobs/{job.id}/settings", data={"stale_after_days": 2})
    page = board(job)
    assert "1 stale" in column(page, "New applicants") and "stale" in card(page, "Waiting Will")
    later = now_utc() + timedelta(days=1)
    from app.pipeline import queries

    monkeypatch.setattr(board_cache, "now_utc", lambda: later)
    monkeypatch.setattr(queries, "now_utc", lambda: later)
    assert "4 d in stage" in card(board(job), "Waiting Will")


def test_filtered_and_picked_boards_are_not_served_from_the_cache(
    db, board, client, create_job, create_candidate
):
    job = create_job()
    (kept,) = create_candidate(job, name="Referred Rita", source="referral").applications
    create_candidate(job, name="Linked Lou", source="agency")
    board(job)
    filtered = client.get(f"/jobs/{job.id}?source=referral").text
    assert "Referred Rita" in filtered and "Linked Lou" not in filtered
    picked = client.get(f"/jobs/{job.id}?picked={kept.id}").text
    assert f'value="{kept.id}" form="bulk-move" data-pick checked' in picked
    assert f'value="{kept.id}" form="bulk-move" data-pick checked' not in board(job)


def _statements_of(db, request) -> list[str]:
    """The SQL statements `request()` runs, whitespace collapsed."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        request()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return statements


def test_a_cached_board_costs_few_statements(db, board, create_job, create_candidate):
    """Fails without the cache: the board then runs a grouped count, the cards and their
    scores, scorecards and red flags per request (18 statements at 100,000 applications)."""
    job = create_job()
    for number in range(5):
        create_candidate(job, name=f"Person {number}")
    board(job)
    statements = _statements_of(db, lambda: board(job))
    touching = [s for s in statements if "FROM applications" in s or "FROM scorecards" in s]
    assert touching == [], touching


def test_the_page_shell_of_a_cached_board_costs_three_statements(
    db, board, create_job, create_candidate
):
    """The signed-in user comes with the navigation's unread count, the job with its stages:
    with the board's revision that is three statements (six before; the job's team and its
    settings forms live on the job's settings page)."""
    job = create_job()
    create_candidate(job, name="Person")
    board(job)
    db.session.expunge_all()  # as in a web process: nothing loaded before the request
    statements = _statements_of(db, lambda: board(job))
    assert len(statements) == 3, statements
    user, job_row = statements[0], statements[1]
    assert "FROM notifications" in user and "FROM users" in user, user
    assert "FROM jobs" in job_row and "stages" in job_row, job_row


def test_another_process_change_shows(database_url):
    """Two apps on one database (two web processes): a change made through one is shown by
    the other's cached board, on SQLite and PostgreSQL."""
    from app.extensions import db
    from app.pipeline import operations as ops

    names = lambda columns: "|".join(c.name for col in columns for c in col.cards)  # noqa: E731
    with app_context_on(database_url) as reader:
        db.create_all()
        job = ops.create_job("Job", None)
        ops.apply(ops.add_candidate("First Fay", "fay@example.com", "referral"), job, None)
        db.session.commit()
        job_id = job.id
        assert board_cache.rendered_columns(job, names) == "First Fay"
        with app_context_on(database_url):
            from app.models import Job

            other = db.session.get(Job, job_id)
            ops.apply(ops.add_candidate("Second Sid", "sid@example.com", "referral"), other, None)
            db.session.commit()
        with reader.app_context():
            from app.models import Job

            job = db.session.get(Job, job_id)
            assert "Second Sid" in board_cache.rendered_columns(job, names)

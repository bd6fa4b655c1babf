import io
import zipfile

import pytest

from app.extensions import db
from app.grading import operations
from app.models import Role, RunStatus, Submission
from tests.grading.conftest import TINY, hostile_json, notebook_bytes, put_on_panel


@pytest.fixture
def candidate_client(client, auth, assignment):
    auth.login_as(assignment.application.candidate.user)
    return client


def upload(client, assignment, data: bytes, filename: str = "tiny.ipynb"):
    return client.post(
        f"/me/assignments/{assignment.id}/submissions",
        data={"notebook": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_portal_lists_the_assignment_and_the_brief_before_starting(candidate_client, assignment):
    home = candidate_client.get("/me")
    assert "Tiny arithmetic model" in home.text and "Not started" in home.text
    page = candidate_client.get(f"/me/assignments/{assignment.id}")
    assert "10 minutes" in page.text and "Start the exercise" in page.text
    assert candidate_client.get(f"/me/assignments/{assignment.id}/starter.zip").status_code == 403


def test_start_sets_a_server_side_deadline(candidate_client, assignment):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    db.session.refresh(assignment)
    assert assignment.deadline_at is not None
    assert "Deadline" in candidate_client.get(f"/me/assignments/{assignment.id}").text


def test_starter_kit_holds_exactly_the_starter_folder(candidate_client, assignment):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    response = candidate_client.get(f"/me/assignments/{assignment.id}/starter.zip")
    assert response.mimetype == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    expected = {
        f"tiny/{p.relative_to(TINY / 'starter').as_posix()}"
        for p in (TINY / "starter").rglob("*")
        if p.is_file()
    }
    assert names == expected
    hidden = {p.name for p in (TINY / "hidden").rglob("*") if p.is_file()}
    assert not any(name.rsplit("/", 1)[-1] in hidden for name in names)


@pytest.mark.parametrize(
    "path",
    [
        "starter.zip/../hidden",
        "..%2f..%2fhidden%2ftests%2ftest_basics.py",
        "hidden.zip",
        "starter.zip?path=../hidden",
        "%2e%2e/hidden/data/holdout.csv",
    ],
)
def test_hidden_files_are_not_reachable_by_any_path(candidate_client, assignment, path):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    response = candidate_client.get(f"/me/assignments/{assignment.id}/{path}")
    holdout = (TINY / "hidden" / "data" / "holdout.csv").read_bytes()
    assert holdout not in response.data
    assert b"def test_" not in response.data
    for static in (
        "/static/../exercises/tiny/hidden/data/holdout.csv",
        "/static/%2e%2e/%2e%2e/tests/fixtures/exercises/tiny/hidden/data/holdout.csv",
    ):
        assert holdout not in candidate_client.get(static).data


def test_upload_queues_grading_and_shows_a_status_page(
    candidate_client, assignment, full_marks, app
):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    response = upload(candidate_client, assignment, full_marks)
    assert response.status_code == 302
    submission = db.session.scalar(db.select(Submission))
    assert response.location == f"/me/submissions/{submission.id}"
    assert len(app.extensions["grading_queue"].huey) == 1  # the run id is on the queue
    status = candidate_client.get(f"/me/submissions/{submission.id}/status.json").json
    assert status == {
        "status": "queued",
        "finished": False,
        "progress": "Waiting for a grader…",
        "cells_done": 0,
        "cells_total": 0,
    }


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("solution.py", b"print(1)", "is not a Jupyter notebook"),
        ("tiny.ipynb", b"\x89PNG\r\n", "not valid JSON"),
        ("tiny.ipynb", hostile_json(200), "nested"),
        ("tiny.ipynb", b"{" + b" " * 200_000 + b"}", "the limit is 100,000"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    candidate_client, assignment, app, filename, data, message
):
    # A small cap keeps the body under werkzeug's in-memory threshold (the test client leaks its
    # temporary file for larger bodies).
    app.config["MAX_NOTEBOOK_BYTES"] = 100_000
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    response = upload(candidate_client, assignment, data, filename)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.query(Submission).count() == 0


def test_request_over_the_body_limit_gets_413(candidate_client, assignment, app):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(candidate_client, assignment, b"x" * 4096)
    assert response.status_code == 413 and "larger than allowed" in response.text
    assert db.session.query(Submission).count() == 0


def test_late_upload_is_refused(candidate_client, assignment, full_marks):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    db.session.refresh(assignment)
    from datetime import timedelta

    assignment.deadline_at = assignment.opened_at - timedelta(minutes=1)
    db.session.commit()
    response = upload(candidate_client, assignment, full_marks)
    assert response.status_code == 400 and "late submissions are not accepted" in response.text


def test_resubmission_keeps_every_upload(candidate_client, assignment, full_marks):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    upload(candidate_client, assignment, full_marks)
    upload(candidate_client, assignment, notebook_bytes("x = 1"))
    assert db.session.query(Submission).count() == 2
    page = candidate_client.get(f"/me/assignments/{assignment.id}").text
    assert page.count("tiny.ipynb") >= 2


def test_another_candidate_cannot_reach_the_assignment(
    client, auth, assignment, create_candidate, create_job
):
    from app.auth.operations import create_user

    other = create_candidate(create_job("Other"))
    other.user = create_user(other.email, other.name, Role.CANDIDATE, None)
    db.session.commit()
    auth.login_as(other.user)
    for url in (f"/me/assignments/{assignment.id}", f"/me/assignments/{assignment.id}/starter.zip"):
        assert client.get(url).status_code == 404
    assert client.post(f"/me/assignments/{assignment.id}/start").status_code == 404


def graded(run, score=6.0):
    scored = operations.ScoredRun(
        verdict="completed",
        message="done",
        score=score,
        max_score=10,
        duration_s=2.0,
        cells_total=3,
        cells_executed=3,
        groups=(
            operations.ScoredGroup(
                "basics",
                "Defines the contract",
                "python_engineering",
                4,
                4,
                True,
                "Passed all checks.",
            ),
            operations.ScoredGroup(
                "accuracy",
                "Predicts the hidden holdout",
                "ml_fundamentals",
                2,
                6,
                False,
                "1 of 3 checks passed. holdout row 7 wrong",
            ),
        ),
        tests=(("tests/test_accuracy.py::test_secret_holdout", "accuracy", "failed", "row 7"),),
        executed_notebook=notebook_bytes("print('ran')"),
        logs="runner log line",
    )
    operations.claim_run(run.id, "w", operations.timedelta(seconds=60))
    operations.record_result(run.id, "w", scored)
    db.session.commit()


def test_candidate_status_shows_score_and_only_visible_groups(
    candidate_client, assignment, full_marks
):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    upload(candidate_client, assignment, full_marks)
    submission = db.session.scalar(db.select(Submission))
    graded(submission.runs[-1])
    status = candidate_client.get(f"/me/submissions/{submission.id}/status.json").json
    # Issue 13 (11): the total is of the visible groups only (4/4), not 6/10 with the hidden one.
    assert status["finished"] and (status["score"], status["max_score"]) == (4.0, 4.0)
    assert [g["title"] for g in status["groups"]] == ["Defines the contract"]
    page = candidate_client.get(f"/me/submissions/{submission.id}").text
    assert "4.0 / 4.0" in page and "6.0" not in page and "10.0" not in page
    for secret in (
        "test_secret_holdout",
        "holdout row 7",
        "Predicts the hidden holdout",
        "runner log line",
    ):
        assert secret not in page and secret not in str(status)


def test_staff_review_shows_groups_tests_logs_and_a_sandboxed_notebook(
    client, auth, assignment, full_marks, create_user
):
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    graded(run)
    auth.login_as(create_user(Role.RECRUITER))
    page = client.get(f"/submissions/{run.submission_id}").text
    for expected in (
        "6.0 / 10.0",
        "Predicts the hidden holdout",
        "test_secret_holdout",
        "runner log line",
        'sandbox src="/runs/',
    ):
        assert expected in page
    frame = client.get(f"/runs/{run.id}/notebook")
    assert "ran" in frame.text
    csp = frame.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp


def test_regrade_queues_a_new_run(client, auth, assignment, full_marks, create_user, app):
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    graded(run)
    auth.login_as(create_user(Role.ADMIN))
    client.post(f"/submissions/{run.submission_id}/regrade")
    runs = db.session.get(Submission, run.submission_id).runs
    assert [r.status for r in runs] == [RunStatus.GRADED, RunStatus.QUEUED]
    assert len(app.extensions["grading_queue"].huey) == 2  # the upload's message and the regrade's


def test_interviewer_sees_a_review_only_when_on_the_panel(
    client, auth, assignment, full_marks, create_user
):
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    interviewer = create_user(Role.INTERVIEWER)
    auth.login_as(interviewer)
    assert client.get(f"/submissions/{run.submission_id}").status_code == 403
    assert client.get(f"/runs/{run.id}/notebook").status_code == 403
    application = assignment.application
    put_on_panel(application, interviewer)
    assert client.get(f"/submissions/{run.submission_id}").status_code == 200
    assert client.post(f"/submissions/{run.submission_id}/regrade").status_code == 403


def test_recruiter_assigns_an_exercise_and_the_invite_lands_in_the_outbox(
    client, auth, exercises_app, create_user, create_job, create_candidate
):
    candidate = create_candidate(create_job())
    auth.login_as(create_user(Role.RECRUITER))
    form = client.get(f"/candidates/{candidate.id}/assign").text
    assert "Tiny arithmetic model" in form
    page = client.post(
        f"/candidates/{candidate.id}/assign",
        data={
            "application": candidate.applications[0].id,
            "exercise": "tiny",
            "open_within_days": 3,
        },
    )
    assert page.status_code == 200 and "outbox" in page.text
    link = page.text.split('value="http://localhost')[1].split('"')[0]
    outbox = client.get("/outbox").text
    assert candidate.email in outbox and link in outbox
    assert candidate.applications[0].stage.name == "Applied"  # assigning moves nothing
    again = client.post(
        f"/candidates/{candidate.id}/assign",
        data={
            "application": candidate.applications[0].id,
            "exercise": "tiny",
            "open_within_days": 3,
        },
    )
    assert "already assigned" in again.text


def test_candidate_page_links_to_assigning_and_to_each_review(
    client, auth, assignment, full_marks, create_user
):
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    auth.login_as(create_user(Role.RECRUITER))
    page = client.get(f"/candidates/{assignment.application.candidate_id}").text
    assert f'href="/candidates/{assignment.application.candidate_id}/assign"' in page
    assert f'href="/submissions/{run.submission_id}"' in page


def test_review_links_interview_scorecard_candidate_and_names_dimensions(
    client, auth, assignment, full_marks, create_user
):
    operations.open_assignment(assignment)
    run = operations.submit(assignment, "tiny.ipynb", full_marks, 1, 10**6)
    db.session.commit()
    graded(run)
    interviewer = create_user(Role.INTERVIEWER)
    put_on_panel(assignment.application, interviewer)
    interview = assignment.application.candidate.applications[0]
    auth.login_as(interviewer)
    page = client.get(f"/submissions/{run.submission_id}").text
    assert "<td>Python and engineering</td>" in page and "<td>python_engineering</td>" not in page
    assert "/interviews/" in page and "Write your scorecard" in page
    assert f'/candidates/{assignment.application.candidate_id}"' not in page
    auth.login_as(create_user(Role.RECRUITER))
    page = client.get(f"/submissions/{run.submission_id}").text
    assert f'/candidates/{interview.candidate_id}"' in page and "Interview: " in page


def test_time_up_page_and_one_time_box_everywhere(candidate_client, assignment, full_marks):
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    db.session.refresh(assignment)
    page = candidate_client.get(f"/me/assignments/{assignment.id}").text
    minutes = assignment.time_budget_minutes
    assert f"Time box: <strong>{minutes} minutes</strong>" in page
    assert 'class="countdown" data-deadline="' in page and "/static/js/countdown.js" in page
    assert "API tokens" not in page
    upload(candidate_client, assignment, full_marks)
    from datetime import timedelta

    assignment.deadline_at = assignment.opened_at - timedelta(minutes=1)
    db.session.commit()
    page = candidate_client.get(f"/me/assignments/{assignment.id}").text
    assert "Time is up" in page and "Uploads are closed" in page
    assert "tiny.ipynb" in page and "the one the hiring team will review" in page
    assert 'enctype="multipart/form-data"' not in page


def test_upload_and_grading_notify_the_jobs_recruiter_and_panel(
    candidate_client, assignment, full_marks, create_user, app
):
    from app.models import Notification
    from app.notifications import operations as notifications

    recruiter = create_user(Role.RECRUITER)
    assignment.application.job.owner = recruiter
    interviewer = create_user(Role.INTERVIEWER)
    put_on_panel(assignment.application, interviewer)
    candidate_client.post(f"/me/assignments/{assignment.id}/start")
    upload(candidate_client, assignment, full_marks)
    kinds = db.session.scalars(
        db.select(Notification.kind).where(Notification.user_id == recruiter.id)
    ).all()
    assert kinds == ["candidate_submitted"]
    run = db.session.scalars(db.select(Submission)).one().runs[-1]
    graded(run)
    notifications.grading_finished(run.id, app.config)
    notifications.grading_finished(run.id, app.config)  # once per run
    db.session.commit()
    for user in (recruiter, interviewer):
        notes = db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "grading_finished"
            )
        ).all()
        assert len(notes) == 1 and notes[0].link == f"/submissions/{run.submission_id}"
    panel_note = db.session.scalar(
        db.select(Notification.message).where(Notification.user_id == interviewer.id)
    )
    assert assignment.application.candidate.name not in panel_note

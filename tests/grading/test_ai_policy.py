"""The AI-use policy of an exercise: validated by the loader, shown on the brief, a disclosure
asked for (and required) on upload through the portal and the API when the policy says so, and
shown on the review page."""

from __future__ import annotations

import io
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.auth import operations as auth_operations
from app.extensions import db
from app.grading.exercises import ExerciseError, parse_exercise
from app.models import Role, Submission
from tests.grading.conftest import TINY, put_on_panel
from tests.scorecards.conftest import staff


def with_policy(folder, policy: str):
    text = (folder / "exercise.yaml").read_text()
    (folder / "exercise.yaml").write_text(
        text.replace("kind: notebook", f"kind: notebook\nai_policy: {policy}")
    )


@pytest.fixture
def disclosed(tmp_path, exercises_app, opened):
    """The tiny exercise, copied, with `ai_policy: allowed_with_disclosure`."""
    shutil.copytree(TINY, tmp_path / "exercises" / "tiny")
    with_policy(tmp_path / "exercises" / "tiny", "allowed_with_disclosure")
    exercises_app.config["EXERCISES_DIR"] = tmp_path / "exercises"
    return opened


def upload(client, assignment, **fields):
    data = {"notebook": (io.BytesIO((TINY / "reference/full-marks.ipynb").read_bytes()), "a.ipynb")}
    return client.post(
        f"/me/assignments/{assignment.id}/submissions",
        data={**data, **fields},
        content_type="multipart/form-data",
    )


def submissions() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


def test_the_loader_refuses_an_unknown_policy_with_a_clear_message(tmp_path):
    shutil.copytree(TINY, tmp_path / "tiny")
    with_policy(tmp_path / "tiny", "sometimes")
    with pytest.raises(
        ExerciseError,
        match=r":\d+: ai_policy: must be one of not_allowed, "
        r"allowed_with_disclosure, allowed \(got 'sometimes'\)",
    ):
        parse_exercise(tmp_path / "tiny")


def test_without_a_policy_the_exercise_does_not_allow_ai_and_asks_nothing(client, auth, opened):
    auth.login_as(opened.application.candidate.user)
    page = client.get(f"/me/assignments/{opened.id}").text
    assert "AI assistants (ChatGPT, Copilot and the like) are not allowed" in page
    assert 'name="ai_disclosure"' not in page
    assert upload(client, opened).status_code == 302


def test_the_portal_requires_the_disclosure_and_the_review_shows_it(client, auth, disclosed):
    candidate = disclosed.application.candidate.user
    auth.login_as(candidate)
    page = client.get(f"/me/assignments/{disclosed.id}").text
    assert "you must say how you used them" in page and 'name="ai_disclosure"' in page
    refused = upload(client, disclosed, ai_disclosure="   ")
    assert refused.status_code == 400 and "only with a disclosure" in refused.text
    assert submissions() == 0
    assert (
        upload(client, disclosed, ai_disclosure="Copilot <b>completed</b> pandas calls").status_code
        == 302
    )
    submission = db.session.scalar(select(Submission))
    assert submission.ai_policy == "allowed_with_disclosure"

    interviewer = staff(Role.INTERVIEWER, "Ivy Interviewer")
    put_on_panel(disclosed.application, interviewer)
    auth.login_as(interviewer)
    review = client.get(f"/submissions/{submission.id}").text
    assert "AI assistants are allowed, but you must say how" in review
    assert "Copilot &lt;b&gt;completed&lt;/b&gt; pandas calls" in review


def test_the_api_requires_the_disclosure(app, disclosed):
    client = app.test_client()
    candidate = disclosed.application.candidate
    # A candidate's API tokens live as long as a valid invite (app/auth/sessions.py).
    auth_operations.issue_invite(candidate, None, "test", timedelta(days=1))
    _, token = create_token(candidate.user, "tests")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/assignments/{disclosed.id}/submissions"
    notebook = (TINY / "reference/full-marks.ipynb").read_bytes()
    refused = client.post(
        url, headers=headers, data={"notebook": (io.BytesIO(notebook), "a.ipynb")}
    )
    assert refused.status_code == 400
    assert "ai_disclosure" in refused.get_data(as_text=True) and submissions() == 0
    created = client.post(
        url,
        headers=headers,
        data={"notebook": (io.BytesIO(notebook), "a.ipynb"), "ai_disclosure": "none used"},
    )
    assert created.status_code == 201 and created.json["ai_disclosure"] == "none used"

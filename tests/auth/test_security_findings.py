"""Issue 13: one regression test per finding of the security review, each an attack through HTTP.
(5: tests/auth/test_sessions.py; 6: test_rate_limit_parallel.py; 7: tests/webhooks/
test_destinations.py; the whole-surface walk: test_visibility_walk.py.)"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from app.api.tokens import create_token
from app.auth import operations as auth_operations
from app.extensions import db
from app.models import Candidate, Role
from app.pipeline import operations as pipeline
from app.privacy.erasure import erase_candidate
from tests.auth import shared_candidate as S
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff


@pytest.fixture
def seed(app) -> S.Seed:
    app.config["EXERCISES_DIR"] = FIXTURES
    return S.seed()


def bearer(user) -> dict[str, str]:
    token = create_token(user, "attack")[1]
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def import_csv(client, job_id: int, rows: str):
    data = f"name,email,source\n{rows}".encode()
    return client.post(
        f"/jobs/{job_id}/import",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )


# 1 — taking over another recruiter's candidate through CSV import, and the API's 409 oracle.
def test_csv_import_never_attaches_a_candidate_the_importer_cannot_see(seed, client, auth):
    auth.login_as(seed.recruiter_c)
    response = import_csv(client, seed.job_c.id, f"Impostor Name,{S.EMAIL},referral\n")
    assert response.status_code == 200 and "1 new candidate(s) imported" in response.text
    db.session.expire_all()
    assert {a.job_id for a in seed.candidate.applications} == {seed.job_a.id, seed.job_b.id}
    for url in (
        f"/candidates/{seed.candidate.id}",
        f"/jobs/{seed.job_b.id}",
        f"/submissions/{seed.run.submission_id}",
    ):
        assert client.get(url).status_code == 403
    # The recruiter who can see the candidate re-attaches them (no duplicate).
    auth.login_as(seed.recruiter_a)
    job_a2 = pipeline.create_job("Alpha second job", seed.recruiter_a)
    db.session.commit()
    response = import_csv(client, job_a2.id, f"Whoever,{S.EMAIL},referral\n")
    assert "1 existing candidate(s) added" in response.text
    db.session.expire_all()
    assert job_a2.id in {a.job_id for a in seed.candidate.applications}


def test_the_api_409_does_not_tell_that_an_email_exists_in_jobs_one_cannot_see(seed, client):
    body = {"name": "Impostor", "email": S.EMAIL, "source": "referral", "job_id": seed.job_c.id}
    outsider = client.post("/api/v1/candidates", json=body, headers=bearer(seed.recruiter_c))
    assert outsider.status_code == 201, outsider.json
    assert outsider.json["id"] != seed.candidate.id and outsider.json["name"] == "Impostor"
    assert [a["job_id"] for a in outsider.json["applications"]] == [seed.job_c.id]
    body["job_id"] = seed.job_b.id
    insider = client.post("/api/v1/candidates", json=body, headers=bearer(seed.recruiter_b))
    assert insider.status_code == 409  # recruiter B can open that candidate anyway
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 2


# 2 — the candidate page listed every application, other recruiters' jobs included.
def test_the_candidate_page_lists_only_the_viewers_applications(seed, client, auth):
    auth.login_as(seed.recruiter_a)
    page = client.get(f"/candidates/{seed.candidate.id}").text
    assert S.TITLE_A in page
    for secret in (S.TITLE_B, S.FILENAME, S.TOTAL, S.HIDDEN_TITLE):
        assert not S.shows(secret, page)
    api = client.get(f"/api/v1/candidates/{seed.candidate.id}", headers=bearer(seed.recruiter_a))
    assert [a["job_id"] for a in api.json["applications"]] == [seed.job_a.id]


# 3 — a candidate's own token read internal reject text and the actor of a move.
def test_a_candidates_token_reads_no_reasons_or_actors_of_moves(seed, client):
    headers = bearer(seed.candidate_user)
    response = client.get(f"/api/v1/applications/{seed.application_a.id}", headers=headers)
    assert response.status_code == 200
    moves = response.json["transitions"]
    assert moves and all(m["reason"] is None and m["actor_id"] is None for m in moves)
    assert S.REJECT_TEXT not in response.text
    staff_view = client.get(
        f"/api/v1/applications/{seed.application_a.id}", headers=bearer(seed.recruiter_a)
    )
    assert S.REJECT_TEXT in staff_view.text


# 4 — blind review leaked the uploaded file name through the API.
def test_blind_review_hides_the_file_name_in_the_api(seed, client):
    url = f"/api/v1/submissions/{seed.run.submission_id}"
    blind = client.get(url, headers=bearer(seed.interviewer_b))
    assert blind.status_code == 200 and blind.json["filename"] == "notebook.ipynb"
    assert S.FILENAME not in blind.text
    listed = client.get(
        f"/api/v1/applications/{seed.application_b.id}/submissions",
        headers=bearer(seed.interviewer_b),
    )
    assert S.FILENAME not in listed.text
    assert client.get(url, headers=bearer(seed.recruiter_b)).json["filename"] == S.FILENAME


# 8 — two 500s: CR/LF in the board's `back` field, and an API body nested 50,000 deep.
def test_a_crlf_in_the_boards_back_field_is_a_400(seed, client, auth):
    auth.login_as(seed.recruiter_b)
    back = f"/jobs/{seed.job_b.id}/stages/1\r\nSet-Cookie: x=1"
    response = client.post(
        f"/jobs/{seed.job_b.id}/move",
        data={"applications": [seed.application_b.id], "stage": 0, "back": back},
    )
    assert response.status_code == 400
    assert "x=1" not in str(response.headers)


def test_an_api_body_nested_50000_deep_is_a_json_400(seed, client):
    body = "[" * 50_000 + "]" * 50_000
    response = client.post(
        "/api/v1/jobs",
        data=body,
        content_type="application/json",
        headers=bearer(seed.recruiter_a),
    )
    assert response.status_code == 400 and response.is_json
    assert "nested too deeply" in response.json["error"]["message"]


# 9 — passwords were checked for length only.
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "most common"),
        ("password12", "most common"),
        ("qwertyuiop", "most common"),
        ("new.colleague@hirelab.example", "email"),
        ("newcolleague2024", "email"),
        ("short", "at least 10"),
    ],
)
def test_common_passwords_and_the_own_email_are_refused_with_a_message(
    client, auth, password, message
):
    auth.login_as(staff(Role.ADMIN, "Ada Admin"))
    response = client.post(
        "/admin/users",
        data={
            "name": "New Colleague",
            "email": "new.colleague@hirelab.example",
            "role": "recruiter",
            "password": password,
        },
    )
    assert response.status_code == 200 and message in response.text
    assert auth_operations.find_user_by_email("new.colleague@hirelab.example") is None


# 10 — an erased candidate could be invited again, assigned, moved and noted, and signed in.
def test_erasure_is_final(seed, app, client, auth):
    _old_invite, old_link = auth_operations.issue_invite(
        seed.candidate, seed.recruiter_b, app.config["SECRET_KEY"], timedelta(days=1)
    )
    db.session.commit()
    erase_candidate(seed.candidate, seed.admin)
    db.session.commit()
    auth.login_as(seed.recruiter_b)
    cid, application = seed.candidate.id, seed.application_b
    client.post(f"/candidates/{cid}/invite")
    client.post(f"/candidates/{cid}/notes", data={"body": "still here?"})
    client.post(
        f"/candidates/{cid}/assign",
        data={"application": application.id, "exercise": "tiny", "open_within_days": 3},
    )
    screen = next(s for s in application.job.stages if s.name == "Offer")
    client.post(
        f"/jobs/{seed.job_b.id}/move",
        data={"applications": [application.id], "stage": screen.id},
    )
    api = client.post(
        f"/api/v1/applications/{application.id}/moves",
        json={"stage_id": screen.id},
        headers=bearer(seed.recruiter_b),
    )
    assert api.status_code == 400 and "erased" in api.json["error"]["message"]
    db.session.expire_all()
    from app.models import Assignment, Invite, Note, StageTransition

    assert db.session.scalar(db.select(db.func.count()).select_from(Invite)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 0
    assert len(db.session.scalars(db.select(Assignment)).all()) == 1
    moves = db.session.scalars(
        db.select(StageTransition).where(StageTransition.application_id == application.id)
    ).all()
    assert all(m.to_stage_id != screen.id for m in moves)
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/invite/{old_link}").status_code == 404
    assert client.get("/me").status_code == 302


# 11 — a candidate saw the total including the hidden groups.
def test_a_candidate_never_sees_a_total_that_includes_hidden_groups(seed, client, auth):
    api = client.get(
        f"/api/v1/submissions/{seed.run.submission_id}", headers=bearer(seed.candidate_user)
    )
    (run,) = api.json["runs"]
    assert (run["score"], run["max_score"]) == (3.5, 4.0)
    assert [g["id"] for g in run["groups"]] == ["basics"] and S.HIDDEN_TITLE not in api.text
    auth.login_as(seed.candidate_user)
    page = client.get(f"/me/submissions/{seed.run.submission_id}").text
    status = client.get(f"/me/submissions/{seed.run.submission_id}/status.json").json
    assert "3.5 / 4.0" in page and not S.shows(S.TOTAL, page)
    assert (status["score"], status["max_score"]) == (3.5, 4.0)

"""API tokens: stored hashed, shown once, revocable, bearer header only (no cookie, no CSRF)."""

from __future__ import annotations

import hashlib
import re

from app.api.tokens import create_token, revoke_token
from app.extensions import db
from app.models import ApiToken, Role
from tests.conftest import app_context_on
from tests.scorecards.conftest import staff


def test_only_a_sha256_of_the_token_is_stored(app, admin):
    token, plain = create_token(admin, "ATS sync")
    db.session.commit()
    assert plain.startswith("hl_") and len(plain) > 40
    assert token.token_sha256 == hashlib.sha256(plain.encode()).hexdigest()
    stored = db.session.execute(db.select(ApiToken.__table__)).one()._asdict()
    assert plain not in repr(stored)
    assert token.prefix == plain[:10]


def test_a_token_acts_as_its_user(api_as, admin):
    response = api_as(admin).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json == {
        "id": admin.id,
        "email": admin.email,
        "name": admin.name,
        "role": "admin",
    }


def test_missing_malformed_unknown_revoked_tokens_get_401_json(app, api_as, admin, token_for):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer hl_nope"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401 and response.is_json
        assert (
            "Authorization: Bearer" in response.json["error"]["message"]
            or "unknown" in (response.json["error"]["message"])
        )
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    plain = token_for(admin)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.prefix == plain[:10]))
    revoke_token(token, admin)
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401
    assert "revoked" in response.json["error"]["message"]


def test_a_deactivated_users_token_stops_working(app, api_as, admin):
    api = api_as(admin)
    admin.active = False
    db.session.commit()
    assert api.get("/api/v1/me").status_code == 401


def test_the_session_cookie_does_not_authenticate_the_api(client, auth, admin):
    auth.login_as(admin)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/account/api-tokens").status_code == 200  # the page itself uses the session


def test_token_requests_need_no_csrf_token(tmp_path):
    with app_context_on(f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True) as app:
        db.create_all()
        _, plain = create_token(staff(Role.RECRUITER, "Rita Recruiter"), "csrf")
        db.session.commit()
        response = app.test_client().post(
            "/api/v1/jobs",
            json={"title": "Data Engineer"},
            headers={"Authorization": f"Bearer {plain}"},
        )
        assert response.status_code == 201, response.json


def test_the_page_shows_a_new_token_once_and_revokes_it(client, auth, admin):
    auth.login_as(admin)
    page = client.post("/account/api-tokens", data={"name": "Nightly export"})
    assert page.status_code == 200
    plain = re.search(r'value="(hl_[^"]+)"', page.text).group(1)
    assert "shown only this once" in page.text
    listing = client.get("/account/api-tokens").text
    assert "Nightly export" in listing and plain not in listing and plain[:10] in listing
    token = db.session.scalar(db.select(ApiToken))
    client.post("/account/api-tokens/revoke", data={"token_id": str(token.id)})
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(client, auth, admin, create_user):
    other = create_user(Role.RECRUITER)
    token, _ = create_token(other, "theirs")
    db.session.commit()
    auth.login_as(admin)
    client.post("/account/api-tokens/revoke", data={"token_id": str(token.id)})
    db.session.refresh(token)
    assert token.revoked_at is None


def test_a_token_needs_a_name(client, auth, admin):
    auth.login_as(admin)
    page = client.post("/account/api-tokens", data={"name": "  "})
    assert "hl_" not in page.text
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_create_token_command(app, runner, create_user):
    user = create_user(Role.RECRUITER)
    result = runner.invoke(args=["create-token", "--email", user.email, "--name", "CI"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.json["email"] == user.email
    missing = runner.invoke(args=["create-token", "--email", "nobody@x.example", "--name", "CI"])
    assert missing.exit_code != 0 and "No user has the email" in missing.output

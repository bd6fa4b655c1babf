"""Issue 13 (5): sessions are revocable on the server. Logging out, a password or role change,
deactivation, invite revocation or expiry and erasure end every session and API token of that
person: a copied cookie or a kept token is refused afterwards."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from app.api.tokens import create_token
from app.auth import operations as auth_operations
from app.extensions import db
from app.models import AuditEvent, Invite, Role, now_utc
from tests.conftest import PASSWORD


def copied_cookie_client(app: Flask, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_cookie_is_refused_after_logout(app, client, auth, create_user):
    user = create_user(Role.RECRUITER)
    assert auth.login(user.email).status_code == 302
    thief = copied_cookie_client(app, client)
    assert thief.get("/jobs").status_code == 200  # the copy works while the session lives
    token = create_token(user, "ci")[1]
    db.session.commit()
    assert auth.logout().status_code == 302
    signed_out = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "user.signed_out")
    )
    assert signed_out is not None and signed_out.actor_id == user.id
    refused = thief.get("/jobs")
    assert refused.status_code == 302 and refused.location.startswith("/login")
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    assert auth.login(user.email).status_code == 302  # signing in again works
    assert client.get("/jobs").status_code == 200


def _candidate_signed_in_by_invite(app, client, create_job, create_candidate):
    candidate = create_candidate(create_job())
    invite, link = auth_operations.issue_invite(
        candidate, None, app.config["SECRET_KEY"], timedelta(days=1)
    )
    db.session.commit()
    assert client.get(f"/invite/{link}").status_code == 302
    assert client.get("/me").status_code == 200
    token = create_token(candidate.user, "script")[1]
    db.session.commit()
    return candidate, invite, token


def test_revoking_the_invite_ends_the_candidates_session_and_tokens(
    app, client, auth, create_job, create_candidate, create_user
):
    _candidate, invite, token = _candidate_signed_in_by_invite(
        app, client, create_job, create_candidate
    )
    recruiter_client = app.test_client()
    recruiter = create_user(Role.RECRUITER)
    recruiter_client.post("/login", data={"email": recruiter.email, "password": PASSWORD})
    assert recruiter_client.post(f"/invites/{invite.id}/revoke").status_code == 302
    assert client.get("/me").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_an_expired_invite_ends_the_session_it_opened_and_the_tokens(
    app, client, create_job, create_candidate
):
    _candidate, invite, token = _candidate_signed_in_by_invite(
        app, client, create_job, create_candidate
    )
    db.session.execute(db.update(Invite).where(Invite.id == invite.id).values(expires_at=now_utc()))
    db.session.commit()
    assert client.get("/me").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_deactivation_role_change_and_password_reset_end_every_session(
    app, client, auth, create_user
):
    admin = create_user(Role.ADMIN)
    auth.login(admin.email)
    for change, data in (
        ("role", {"role": "interviewer"}),
        ("password", {"password": "a brand new passphrase"}),
        ("active", {}),
    ):
        user = create_user(Role.RECRUITER)
        victim = app.test_client()
        victim.post("/login", data={"email": user.email, "password": PASSWORD})
        assert victim.get("/").status_code == 200
        token = create_token(user, "sync")[1]
        db.session.commit()
        assert client.post(f"/admin/users/{user.id}/{change}", data=data).status_code == 302
        after = victim.get("/")
        assert after.status_code == 302 and after.location.startswith("/login"), change
        headers = {"Authorization": f"Bearer {token}"}
        assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401, change


def test_erasure_ends_the_candidates_session(app, client, create_job, create_candidate):
    from app.privacy.erasure import erase_candidate

    candidate, _, token = _candidate_signed_in_by_invite(app, client, create_job, create_candidate)
    erase_candidate(candidate, None)
    db.session.commit()
    assert client.get("/me").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401

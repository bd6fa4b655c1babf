from datetime import timedelta

import pytest

from app.auth import operations
from app.models import Role, now_utc

MAX_AGE = timedelta(days=14)


@pytest.fixture
def invite_link(app, db, create_candidate, create_job):
    candidate = create_candidate(create_job())

    def issue(secret: str = "test-secret-key"):
        invite, token = operations.issue_invite(candidate, None, secret, MAX_AGE)
        db.session.commit()
        return invite, f"/invite/{token}"

    return issue


def test_valid_invite_signs_the_candidate_in(client, invite_link):
    invite, link = invite_link()
    response = client.get(link)
    assert response.status_code == 302
    portal = client.get("/", follow_redirects=True)
    assert portal.status_code == 200
    assert invite.candidate.name in portal.text
    assert invite.candidate.user.role is Role.CANDIDATE
    assert invite.last_used_at is not None


def test_expired_invite_is_refused_with_410(client, db, invite_link):
    invite, link = invite_link()
    invite.expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.text
    assert client.get("/me").status_code == 302  # not signed in


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(".", "x.", 1),
        lambda token: "not-a-token",
    ],
)
def test_tampered_invite_is_refused_with_404(client, invite_link, tamper):
    _, link = invite_link()
    token = link.removeprefix("/invite/")
    response = client.get("/invite/" + tamper(token))
    assert response.status_code == 404
    assert "not valid" in response.text
    assert client.get("/me").status_code == 302


def test_invite_signed_with_another_key_is_refused(client, invite_link):
    _, link = invite_link(secret="some-other-key")
    assert client.get(link).status_code == 404


def test_revoked_invite_is_refused(client, db, invite_link):
    invite, link = invite_link()
    operations.revoke_invite(invite)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "withdrawn" in response.text


def test_a_second_invite_reuses_the_candidate_account(invite_link):
    first, _ = invite_link()
    second, _ = invite_link()
    assert first.candidate.user_id == second.candidate.user_id
    assert first.nonce != second.nonce


def test_recruiter_creates_an_invite_link_from_the_candidate_page(
    client, auth, create_user, create_candidate, create_job
):
    candidate = create_candidate(create_job())
    auth.login(create_user(Role.RECRUITER).email)
    page = client.post(f"/candidates/{candidate.id}/invite")
    assert page.status_code == 200
    link = page.text.split('value="http://localhost')[1].split('"')[0]
    auth.logout()
    assert client.get(link).status_code == 302
    assert candidate.name in client.get("/me").text

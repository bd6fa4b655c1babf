"""CSRF protection on every form: each POST route refuses a request without a valid token."""

import re

import pytest

from app.models import Role
from tests.auth.test_access import concrete_urls
from tests.conftest import PASSWORD, app_context_on


@pytest.fixture
def csrf_app(tmp_path):
    with app_context_on(f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True) as app:
        from app.extensions import db

        db.create_all()
        yield app


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def test_every_post_route_rejects_a_missing_token(csrf_app):
    client = csrf_app.test_client()
    # The JSON API and the ATS partner endpoints are exempt: they take no cookie, only a bearer
    # token (tests/api/test_auth.py) or the connection's HTTP Basic key (tests/integrations).
    post_urls = [
        url
        for endpoint, method, url in concrete_urls(csrf_app)
        if method == "POST" and not endpoint.startswith(("api.", "ats."))
    ]
    assert post_urls, "expected POST routes"
    for url in post_urls:
        response = client.post(url, data={"anything": "x"})
        assert response.status_code == 400, url
        assert "Form expired" in response.text


def test_login_with_the_page_token_succeeds_and_a_forged_one_fails(csrf_app):
    from app.auth.operations import create_user
    from app.extensions import db

    user = create_user("admin@hirelab.example", "Admin", Role.ADMIN, PASSWORD)
    db.session.commit()
    client = csrf_app.test_client()
    form = {"email": user.email, "password": PASSWORD}
    forged = client.post("/login", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 400
    token = csrf_token(client.get("/login").text)
    assert client.post("/login", data={**form, "csrf_token": token}).status_code == 302


def test_token_from_another_session_is_refused(csrf_app):
    first, second = csrf_app.test_client(), csrf_app.test_client()
    token = csrf_token(first.get("/login").text)
    second.get("/login")
    response = second.post(
        "/login", data={"email": "a@b.example", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 400

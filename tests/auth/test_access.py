"""Walks every registered URL rule as every role: a route without a role check fails here."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from app import demo
from app.api.tokens import create_token, user_for_token
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db
from app.models import Role, User

ANONYMOUS = "anonymous"
EVERYONE = [ANONYMOUS, *Role]


def concrete_urls(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule but static files; object ids point at row 1."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {
            name: 1 if isinstance(converter, IntegerConverter) else "placeholder"
            for name, converter in rule._converters.items()
        }
        url = adapter.build(rule.endpoint, values, method=next(iter(rule.methods or {"GET"})))
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            urls.append((rule.endpoint, method, url))
    return urls


@pytest.fixture
def seeded(app):
    demo.seed()
    db.session.commit()
    users = {
        role: db.session.scalars(db.select(User).where(User.role == role)).first()
        for role in Role
        if role is not Role.CANDIDATE
    }
    candidate = demo_candidate_user()
    users[Role.CANDIDATE] = candidate
    return users


def demo_candidate_user() -> User:
    from app.auth.operations import create_user
    from app.models import Candidate

    candidate = db.session.scalars(db.select(Candidate).order_by(Candidate.id)).first()
    candidate.user = create_user(candidate.email, candidate.name, Role.CANDIDATE, None)
    db.session.commit()
    return candidate.user


def test_every_view_declares_its_roles(app):
    undeclared = [
        endpoint
        for endpoint in app.view_functions
        if endpoint != "static" and allowed_roles(endpoint) is None
    ]
    assert undeclared == [], f"views without @roles_required/@public: {undeclared}"


def test_every_route_answers_each_role_as_declared(app, seeded, client, auth):
    # The JSON API ignores the session cookie: it is walked with each role's bearer token.
    tokens = {who: create_token(user, "access walk")[1] for who, user in seeded.items()}
    db.session.commit()
    failures = []
    for endpoint, method, url in concrete_urls(app):
        declared = allowed_roles(endpoint)
        api = endpoint.startswith("api.")
        for who in EVERYONE:
            with client.session_transaction() as session:
                session.clear()
            headers = {}
            if who != ANONYMOUS:
                auth.login_as(seeded[who])
                if api:
                    if user_for_token(tokens[who]) is None:
                        # Signing out or a revoked invite (routes walked earlier) ends every
                        # session and API token of that person: issue a new one.
                        tokens[who] = create_token(seeded[who], "access walk")[1]
                    db.session.commit()
                    headers["Authorization"] = f"Bearer {tokens[who]}"
            response = client.open(url, method=method, headers=headers)
            status = response.status_code
            if declared is PUBLIC:
                ok = status != 403
            elif who == ANONYMOUS and api:
                ok = status == 401 and response.is_json
            elif who == ANONYMOUS:
                ok = status == 302 and response.location.startswith("/login")
            elif who in declared:
                ok = status not in (401, 403)
            elif api:
                ok = status == 403 and response.is_json
            else:
                ok = status == 403 and "does not have access" in response.text
            if not ok:
                failures.append(f"{method} {url} as {who}: {status}")
    assert failures == [], "\n".join(failures)


def test_undeclared_view_is_refused_to_everyone(app, client, auth, create_user):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    auth.login_as(create_user(Role.ADMIN))
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.text

"""API fixtures: two worlds of objects (tests/auth/worlds.py) and a bearer token per user."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.api.tokens import create_token
from app.extensions import db
from app.models import Role, User
from tests.auth.worlds import build_world
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff


class Api:
    """A test client that sends one user's bearer token (and never a session cookie)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def open(self, method: str, url: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.open("POST", url, **kwargs)


@pytest.fixture
def token_for(app) -> Callable[[User], str]:
    def issue(user: User) -> str:
        _, plain = create_token(user, "tests")
        db.session.commit()
        return plain

    return issue


@pytest.fixture
def api_as(app, token_for) -> Callable[[User], Api]:
    def client_for(user: User | None) -> Api:
        return Api(app.test_client(), token_for(user) if user else None)

    return client_for


@pytest.fixture
def worlds(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    return {"a": build_world("a"), "b": build_world("b")}


@pytest.fixture
def admin(app) -> User:
    return staff(Role.ADMIN, "Ada Admin")

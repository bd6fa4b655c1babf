"""Shared fixtures: an app on a fresh SQLite file per test, factories, and a sign-in helper.

Services (PostgreSQL, Redis, Docker) are started by `make services`; tests that need one fail
loudly with what to run when it is missing — they never skip.
"""

from __future__ import annotations

import atexit
import functools
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.auth import operations as auth_operations
from app.auth.sessions import INVITE_KEY
from app.extensions import db as _db
from app.models import Candidate, Job, Role, User
from app.pipeline import operations as pipeline_operations

# A shell that starts a job in the background without job control (`make test &` in a script)
# hands every process SIGINT ignored, and exec keeps it ignored: the signal tests (Ctrl-C of
# `flask grade`, candidate code interrupting the local backend's test session) would then test
# nothing. The suite restores Python's own handler, so its child processes start with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

PASSWORD = "correct horse battery"
# Webhook and ATS-callback receivers in tests listen on loopback, which destination checks refuse:
# allowed explicitly, as an on-premise receiver would be (also given to worker processes).
TEST_ALLOWED_HOSTS = "127.0.0.1"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/hirelab_test"
)


class FreshRequestClient(FlaskClient):
    """The fixture's app context is reused by test requests (Flask 3), so `g` would carry the
    signed-in user from one request to the next; clear it as a real request would start."""

    def open(self, *args, **kwargs):  # type: ignore[override]
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "QUEUE_URL": "memory://",
        "WEBHOOK_ALLOWED_HOSTS": TEST_ALLOWED_HOSTS,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshRequestClient
    return app


@contextmanager
def app_context_on(database_url: str, **overrides: object) -> Iterator[Flask]:
    """An app on `database_url` inside its app context; engines are disposed on exit."""
    app = make_app(database_url, **overrides)
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            for engine in _db.engines.values():
                engine.dispose()


def _postgres_server_url() -> sa.URL:
    return sa.make_url(POSTGRES_URL)


@functools.cache
def _private_postgres_database() -> str:
    """A database of this pytest process's own, so parallel runs never reset each other's schema."""
    server = _postgres_server_url()
    name = f"{server.database}_{os.getpid()}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {server.render_as_string(hide_password=True)} "
            f"({error.orig}). Run `make services` (scripts/start-postgres.sh) first."
        )
    finally:
        engine.dispose()
    atexit.register(_drop_database, name)
    return server.set(database=name).render_as_string(hide_password=False)


def _drop_database(name: str) -> None:
    engine = sa.create_engine(_postgres_server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def require_postgres() -> str:
    """The URL of this process's test database on PostgreSQL, emptied of tables."""
    url = _private_postgres_database()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database on each real backend: use it for tests of the persistence layer."""
    if request.param == "postgres":
        return require_postgres()
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    with app_context_on(f"sqlite:///{tmp_path / 'app.db'}") as app:
        _db.create_all()
        yield app


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def create(role: Role = Role.RECRUITER, email: str | None = None, **kwargs: object) -> User:
        number = next(counter)
        user = auth_operations.create_user(
            email or f"{role.value}{number}@hirelab.example",
            str(kwargs.get("name", f"{role.label} {number}")),
            role,
            None if role is Role.CANDIDATE else str(kwargs.get("password", PASSWORD)),
        )
        _db.session.commit()
        return user

    return create


@pytest.fixture
def create_job(app: Flask) -> Callable[..., Job]:
    def create(title: str = "Junior AI Engineer", owner: User | None = None) -> Job:
        job = pipeline_operations.create_job(title, owner)
        _db.session.commit()
        return job

    return create


@pytest.fixture
def create_candidate(app: Flask) -> Callable[..., Candidate]:
    counter = iter(range(1, 10_000))

    def create(
        job: Job | None = None, name: str | None = None, source: str = "referral"
    ) -> Candidate:
        number = next(counter)
        candidate = pipeline_operations.add_candidate(
            name or f"Candidate {number}", f"candidate{number}@example.com", source
        )
        if job is not None:
            pipeline_operations.apply(candidate, job, None)
        _db.session.commit()
        return candidate

    return create


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, user: User):
        """Sign in any user, candidates included, by setting the Flask-Login session (a candidate's
        session is bound to an active invite of theirs, as redeeming one would do)."""
        invite_id = _active_invite_id(user) if user.role is Role.CANDIDATE else None
        with self._client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            if invite_id is not None:
                session[INVITE_KEY] = invite_id

    def logout(self):
        return self._client.post("/logout")


def _active_invite_id(user: User) -> int | None:
    from datetime import timedelta

    from app.models import Invite, now_utc

    candidate = user.candidate
    if candidate is None or candidate.erased_at is not None:
        return None
    invite = _db.session.scalar(
        sa.select(Invite)
        .where(
            Invite.candidate_id == candidate.id,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now_utc(),
        )
        .order_by(Invite.id.desc())
    )
    if invite is None:
        invite, _ = auth_operations.issue_invite(candidate, None, "test", timedelta(days=1))
        _db.session.commit()
    return invite.id


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)

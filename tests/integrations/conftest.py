"""ATS fixtures: the app on SQLite and on PostgreSQL, served over real HTTP on loopback, a
connection with its API key, and the simulated ATS that calls it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.integrations import connections
from app.models import AtsConnection, Job, Role
from tests.conftest import app_context_on
from tests.grading.conftest import FIXTURES
from tests.integrations.ats_client import SimulatedAts

GREENHOUSE_PATH = "/integrations/greenhouse"


@pytest.fixture
def app(database_url, tmp_path):
    """Overrides the default app: every test here runs on SQLite and on PostgreSQL, with a queue
    file a worker process could share."""
    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    with app_context_on(database_url, QUEUE_URL=queue_url, EXERCISES_DIR=FIXTURES) as app:
        db.create_all()
        yield app


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app served by a real HTTP server on 127.0.0.1 (a thread of this process)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def connect(app, create_user) -> Callable[..., tuple[AtsConnection, str]]:
    """Connect an ATS to `jobs` as an admin would; returns the connection and its API key."""
    admin = create_user(Role.ADMIN)

    def create(*jobs: Job, name: str = "Greenhouse") -> tuple[AtsConnection, str]:
        connection, key = connections.create_connection(
            name, [job.id for job in jobs], admin, app.config["SECRET_KEY"]
        )
        db.session.commit()
        return connection, key

    return create


@pytest.fixture
def ats_for(live_url) -> Callable[[str | None], SimulatedAts]:
    return lambda key: SimulatedAts(live_url + GREENHOUSE_PATH, key)


@pytest.fixture
def ordering(create_job, connect, ats_for) -> tuple[SimulatedAts, Job, AtsConnection]:
    """The simulated ATS with a connection to one job: (ats, job, connection)."""
    job = create_job()
    connection, key = connect(job)
    return ats_for(key), job, connection


def candidate_payload(email: str = "harry@hogwarts.example", **extra: str) -> dict[str, str]:
    """A send_test candidate as Greenhouse sends one."""
    payload = {
        "first_name": "Harry",
        "last_name": "Potter",
        "preferred_name": "The Chosen One",
        "resume_url": "https://ats.example/resume/1",
        "phone_number": "123-456-7890",
        "email": email,
        "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=1",
    }
    payload.update(extra)
    return payload

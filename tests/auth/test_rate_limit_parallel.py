"""Issue 13 (6): 50 failed sign-ins in parallel against a real threaded HTTP server pass a limit of
10 exactly 10 times, on SQLite and on PostgreSQL (the check and the count are one locked step)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse

from werkzeug.serving import make_server

from app.auth import operations as auth_operations
from app.extensions import db
from app.models import RateLimitHit, Role
from tests.conftest import PASSWORD, app_context_on

ATTEMPTS = 50
LIMIT = 10


def _post_login(port: int, email: str, password: str) -> int:
    body = urllib.parse.urlencode({"email": email, "password": password})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_parallel_failed_sign_ins_pass_the_limit_exactly_limit_times(database_url):
    with app_context_on(database_url, LOGIN_RATE_LIMIT=f"{LIMIT}/300") as app:
        db.create_all()
        email = "target@hirelab.example"
        auth_operations.create_user(email, "T", Role.RECRUITER, PASSWORD)
        db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        start = threading.Barrier(ATTEMPTS)
        statuses: list[int] = []
        lock = threading.Lock()

        def attempt() -> None:
            start.wait()
            status = _post_login(server.port, email, "wrong guess 123")
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            # The right password is refused too while the limit holds.
            assert _post_login(server.port, email, PASSWORD) == 429
        finally:
            server.shutdown()
            serving.join(10)
        assert len(statuses) == ATTEMPTS
        assert statuses.count(200) == LIMIT, sorted(statuses)
        assert statuses.count(429) == ATTEMPTS - LIMIT
        db.session.expire_all()
        keys = db.session.scalars(db.select(RateLimitHit.key)).all()
        assert len(keys) == 2 * LIMIT  # one per address and one per account, per counted try

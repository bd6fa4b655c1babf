"""Security headers on every response, HTTPS awareness behind a proxy, no inflated bodies."""

from __future__ import annotations

import gzip
import io

from app.models import Role, StageTransition, Submission
from tests.conftest import PASSWORD, app_context_on


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored


def test_behind_a_tls_proxy_hsts_and_secure_cookies_follow_x_forwarded_proto(tmp_path):
    with app_context_on(f"sqlite:///{tmp_path / 'p.db'}", TRUSTED_PROXY_HOPS=1) as app:
        from app.auth.operations import create_user
        from app.extensions import db
        from app.models import AuditEvent

        db.create_all()
        user = create_user("r@hirelab.example", "R", Role.RECRUITER, PASSWORD)
        db.session.commit()
        client = app.test_client()
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        failed = client.post("/login", data={"email": user.email, "password": "x"}, headers=proxied)
        assert failed.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert db.session.scalar(db.select(AuditEvent.ip)) == "203.0.113.9"
        signed_in = client.post(
            "/login", data={"email": user.email, "password": PASSWORD}, headers=proxied
        )
        cookies = signed_in.headers.getlist("Set-Cookie")
        assert cookies and all("; Secure" in cookie for cookie in cookies)


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(client, app):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_compressed_request_bodies_are_refused_not_inflated(
    client, auth, db, create_user, create_job
):
    auth.login_as(create_user(Role.RECRUITER))
    job = create_job()
    bomb = gzip.compress(b"name,email,source\n" + b"a" * 5_000_000)
    response = client.post(
        f"/jobs/{job.id}/import",
        data=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 415
    assert "Compressed request bodies (gzip) are not accepted" in response.text
    assert db.session.query(Submission).count() == 0


def test_an_oversized_body_is_refused_before_it_is_read(app, client, auth, create_user):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    auth.login_as(create_user(Role.RECRUITER))
    response = client.post(
        "/candidates/new",
        data={"name": "x" * 4096, "file": (io.BytesIO(b"x" * 4096), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_ids_beyond_the_database_range_are_404_not_500(client, auth, create_user):
    auth.login_as(create_user(Role.ADMIN))
    for url in (
        "/jobs/99999999999999999999",
        "/candidates/2147483648",
        "/api/v1/jobs/1" + "0" * 30,
    ):
        assert client.get(url).status_code in (401, 404), url
    assert client.get("/admin/audit?candidate=99999999999999999999").status_code == 200


def test_numbers_too_large_for_the_database_in_a_form_are_a_400(
    client, auth, db, create_user, create_job, create_candidate
):
    job = create_job()
    create_candidate(job)
    auth.login_as(create_user(Role.RECRUITER))
    stage = job.stages[1].id
    response = client.post(
        f"/jobs/{job.id}/move",
        data={"applications": ["99999999999999999999"], "stage": stage},
    )
    assert response.status_code in (302, 400)
    assert db.session.query(StageTransition).count() == 1

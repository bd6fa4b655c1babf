"""Admin pages: connect an ATS (the key is shown once, only its hash is stored), list, revoke;
CSRF-protected, admins only, audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AtsConnection, AuditEvent, Role
from tests.conftest import PASSWORD


def _signed_in(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


def test_an_admin_connects_an_ats_and_sees_the_key_once(app, create_user, create_job, ats_for):
    admin = create_user(Role.ADMIN)
    job, closed = create_job("Junior AI Engineer"), create_job("Closed job")
    closed.is_open = False
    db.session.commit()
    client = _signed_in(app, admin)
    page = client.get("/admin/ats").text
    assert "Junior AI Engineer" in page and "Closed job" not in page  # open jobs only

    created = client.post("/admin/ats", data={"name": "Greenhouse", "jobs": [job.id]})
    key = re.search(r'value="(hlats_[^"]+)"', created.text).group(1)
    connection = db.session.scalar(select(AtsConnection))
    assert key not in (connection.key_sha256, connection.key_salt)  # never stored
    listing = client.get("/admin/ats").text
    assert key not in listing and connection.key_prefix in listing and "active" in listing
    assert ats_for(key).list_tests()  # the key shown works
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "ats.connection_created")
    )

    client.post(f"/admin/ats/{connection.id}/revoke", data={})
    db.session.expire_all()
    assert connection.revoked_at is not None
    assert ats_for(key).request("GET", "list_tests").status == 401
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "ats.connection_revoked")
    )


def test_a_connection_needs_a_name_and_an_open_job(app, create_user, create_job):
    client = _signed_in(app, create_user(Role.ADMIN))
    job = create_job()
    for data, message in (
        ({"name": "Greenhouse"}, "Choose at least one open job"),
        ({"name": "", "jobs": [job.id]}, "required"),
        ({"name": "Greenhouse", "jobs": [999]}, "not a valid choice"),
    ):
        page = client.post("/admin/ats", data=data)
        assert page.status_code == 200 and message in page.text
    assert db.session.scalar(select(AtsConnection)) is None


def test_only_admins_reach_the_pages_and_forms_need_their_csrf_token(
    app, create_user, create_job, connect
):
    connection, _ = connect(create_job())
    recruiter = _signed_in(app, create_user(Role.RECRUITER))
    assert recruiter.get("/admin/ats").status_code == 403
    assert recruiter.post(f"/admin/ats/{connection.id}/revoke").status_code == 403

    app.config["WTF_CSRF_ENABLED"] = True
    admin = _signed_in(app, create_user(Role.ADMIN, password=PASSWORD))
    app.config["WTF_CSRF_ENABLED"] = False
    admin.get("/admin/ats")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = admin.post(f"/admin/ats/{connection.id}/revoke", data={})
        assert refused.status_code in (302, 400)
        db.session.expire_all()
        assert db.session.get(AtsConnection, connection.id).revoked_at is None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

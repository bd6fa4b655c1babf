"""Sign-in and invite links are rate limited in the database; failures are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth import rate_limit
from app.models import AuditEvent, RateLimitHit, Role, now_utc
from tests.conftest import PASSWORD


@pytest.fixture
def tight(app):
    app.config["LOGIN_RATE_LIMIT"] = rate_limit.Limit(3, 300)
    app.config["INVITE_RATE_LIMIT"] = rate_limit.Limit(3, 600)
    return app


def test_failed_sign_ins_are_limited_per_account_and_audited(client, db, tight, create_user):
    user = create_user(Role.RECRUITER)
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong guess"})
        assert response.status_code == 200 and "Wrong email or password" in response.text
    limited = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert "Too many failed sign-ins" in limited.text and int(limited.headers["Retry-After"]) > 0
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["login.failed"] * 3 + ["login.rate_limited"]
    assert events[0].target == f"user:{user.id}" and events[0].ip == "127.0.0.1"
    keys = " ".join(db.session.scalars(db.select(RateLimitHit.key)))
    assert user.email not in keys  # addresses are hashed in the limiter's table


def test_the_window_passes_and_success_is_never_counted(client, db, tight, create_user):
    user = create_user(Role.RECRUITER)
    for _ in range(5):  # successes do not count towards the limit
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        client.post("/logout")
    for _ in range(3):
        client.post("/login", data={"email": user.email, "password": "wrong guess"})
    db.session.execute(db.update(RateLimitHit).values(at=now_utc() - timedelta(seconds=301)))
    db.session.commit()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_invalid_invite_links_are_limited_per_address(client, db, tight):
    for _ in range(3):
        assert client.get("/invite/not-a-token").status_code == 404
    limited = client.get("/invite/not-a-token")
    assert limited.status_code == 429 and "Too many invalid invite links" in limited.text
    assert db.session.query(AuditEvent).filter_by(action="invite.refused").count() == 3


def test_limit_parsing_says_how_to_write_it():
    assert rate_limit.Limit.parse("10/300") == rate_limit.Limit(10, 300)
    with pytest.raises(ValueError, match="HITS/SECONDS"):
        rate_limit.Limit.parse("ten per minute")
    with pytest.raises(ValueError, match="positive"):
        rate_limit.Limit.parse("0/10")


@pytest.mark.postgres
def test_hits_from_two_processes_share_one_count(database_url):
    """Two app instances (two processes' worth of sessions) on one database count together."""
    from app.extensions import db
    from tests.conftest import app_context_on

    limit = rate_limit.Limit(2, 60)
    with app_context_on(database_url) as app:
        db.create_all()
        assert rate_limit.reserve(("k",), limit)[0] == 0
        db.session.commit()
        with app_context_on(database_url):
            assert rate_limit.retry_after("k", limit) == 0
            assert rate_limit.reserve(("k",), limit)[0] == 0
            db.session.commit()
        assert rate_limit.retry_after("k", limit) > 0
        wait, reserved = rate_limit.reserve(("k",), limit)
        assert wait > 0 and reserved == []
        del app


def test_the_sign_in_policy_counts_one_account_from_any_address_in_any_case(app, db):
    """The decision lives in rate_limit (the view only asks): the account key is the normalised,
    hashed email, so changing network or case does not reset its count."""
    config = {"LOGIN_RATE_LIMIT": rate_limit.Limit(2, 300)}
    for address in ("203.0.113.1", "203.0.113.2"):
        assert not rate_limit.sign_in_attempt(address, " Ada@Example.COM ", config).refused
    refused = rate_limit.sign_in_attempt("203.0.113.3", "ada@example.com", config)
    assert refused.refused and refused.wait > 0 and not refused.hit_ids
    assert refused.message.startswith("Too many failed sign-ins. Wait 5 minutes")
    events = db.session.scalars(db.select(AuditEvent.action)).all()
    assert events == ["login.rate_limited"]
    counted = rate_limit.sign_in_attempt("203.0.113.4", "grace@example.com", config)
    counted.succeeded()  # a success is uncounted
    assert db.session.scalar(db.select(db.func.count(RateLimitHit.id))) == 4

"""IDOR: every URL with an object id, as every role, on its own objects and on another's.

Two worlds (tests/auth/worlds.py) hold two of everything. Each signed-in user may reach the
objects of the worlds listed for them below and must get 403/404 on the others; a refused request
writes nothing (row counts of every table are compared before and after).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import IntegerConverter

from app.api.tokens import create_token, user_for_token
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db
from app.models import JobMember, Role, User, now_utc
from tests.auth.worlds import build_world
from tests.grading.conftest import FIXTURES
from tests.scorecards.conftest import staff

# The JSON API authenticates with bearer tokens, not the session cookie.
API_PREFIX = "api."


# Values for the other (non-id) arguments of a rule.
OTHER_ARGUMENTS = {"table": "stages"}


def rules_with_ids(app: Flask) -> list[tuple[str, str, list[str], list[str]]]:
    rules = []
    for rule in app.url_map.iter_rules():
        ids = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ids:
            continue
        others = [n for n in rule._converters if n not in ids]
        for method in sorted((rule.methods or set()) & {"GET", "POST", "PATCH", "PUT", "DELETE"}):
            rules.append((rule.endpoint, method, ids, others))
    return rules


def row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in db.metadata.tables.items()
        }


def restore_deleted(world) -> None:
    """An allowed POST may delete its object (a team member): put it back for the next user."""
    member_id = world.ids["member_id"]
    if db.session.get(JobMember, member_id) is None:
        helper = f"Helper {world.name}"
        user_id = db.session.scalar(db.select(User.id).where(User.name == helper))
        db.session.add(JobMember(id=member_id, job_id=world.job.id, user_id=user_id))
        db.session.commit()


@pytest.fixture
def worlds(app):
    app.config["EXERCISES_DIR"] = FIXTURES
    a, b = build_world("a"), build_world("b")
    return {"a": a, "b": b}


def test_every_object_url_answers_only_the_users_who_may_reach_it(app, client, auth, worlds):
    a, b = worlds["a"], worlds["b"]
    admin = staff(Role.ADMIN, "Ada Admin")
    # who → the worlds whose objects they may reach
    table = {
        "admin": (admin, {"a", "b"}),
        "recruiter a": (a.recruiter, {"a"}),
        "recruiter b": (b.recruiter, {"b"}),
        "interviewer a": (a.interviewer, {"a"}),
        "interviewer b": (b.interviewer, {"b"}),
        "candidate a": (a.candidate_user, {"a"}),
        "candidate b": (b.candidate_user, {"b"}),
    }
    rules = rules_with_ids(app)
    assert rules, "expected routes with object ids"
    unknown = sorted({n for _, _, ids, _ in rules for n in ids} - set(a.ids))
    assert unknown == [], f"add these id arguments to tests/auth/worlds.py: {unknown}"
    tokens = {who: create_token(user, "idor walk")[1] for who, (user, _) in table.items()}
    db.session.commit()
    adapter = app.url_map.bind("localhost")
    failures = []
    checked = 0
    for endpoint, method, id_names, others in rules:
        declared = allowed_roles(endpoint)
        for who, (user, reachable) in table.items():
            if declared is not PUBLIC and user.role not in declared:
                continue  # the role walk in test_access.py covers refusals by role
            for world_name, world in worlds.items():
                values = {n: world.ids[n] for n in id_names}
                values.update({n: OTHER_ARGUMENTS.get(n, "placeholder") for n in others})
                url = adapter.build(endpoint, values, method=method)
                with client.session_transaction() as session:
                    session.clear()
                auth.login_as(user)
                restore_deleted(world)
                if endpoint.startswith(API_PREFIX) and user_for_token(tokens[who]) is None:
                    # Routes walked earlier (logout, revoking an invite) end every session and
                    # API token of their person: issue a new one.
                    tokens[who] = create_token(user, "idor walk")[1]
                db.session.commit()
                before = row_counts() if world_name not in reachable else None
                headers = {}
                if endpoint.startswith(API_PREFIX):
                    headers = {"Authorization": f"Bearer {tokens[who]}"}
                response = client.open(url, method=method, headers=headers, json={})
                status = response.status_code
                checked += 1
                if status >= 500:
                    failures.append(f"{method} {url} as {who}: {status}")
                elif world_name in reachable:
                    if status in (403, 404):
                        failures.append(f"{method} {url} as {who}: {status}, expected access")
                elif status not in (403, 404):
                    failures.append(f"{method} {url} as {who}: {status}, expected 403/404")
                elif row_counts() != before:
                    failures.append(f"{method} {url} as {who}: refused but wrote rows")
    assert checked > 100
    assert failures == [], "\n".join(failures)


def test_a_team_member_reaches_the_job_and_loses_it_when_removed(client, auth, worlds):
    a, b = worlds["a"], worlds["b"]
    auth.login_as(b.recruiter)
    assert client.get(f"/jobs/{a.job.id}").status_code == 403
    assert client.get(f"/candidates/{a.candidate.id}").status_code == 403
    assert a.job.title not in client.get("/jobs").text
    member = JobMember(job_id=a.job.id, user_id=b.recruiter.id)
    db.session.add(member)
    db.session.commit()
    assert client.get(f"/jobs/{a.job.id}").status_code == 200
    assert client.get(f"/candidates/{a.candidate.id}").status_code == 200
    assert a.job.title in client.get("/jobs").text
    db.session.delete(member)
    db.session.commit()
    assert client.get(f"/reports/jobs/{a.job.id}/funnel").status_code == 403


def test_a_recruiter_cannot_add_a_candidate_to_another_recruiters_job(client, auth, worlds):
    a, b = worlds["a"], worlds["b"]
    auth.login_as(b.recruiter)
    before = row_counts()
    response = client.post(
        "/candidates/new",
        data={"name": "Eve", "email": "eve@example.com", "source": "referral", "job": a.job.id},
    )
    assert response.status_code in (200, 403)
    assert row_counts() == before


def test_lists_show_only_the_recruiters_own_jobs(client, auth, worlds):
    a, b = worlds["a"], worlds["b"]
    from app import mail

    mail.send({}, a.candidate.email, "Exercise", "body", a.candidate)
    mail.send({}, b.candidate.email, "Exercise", "body", b.candidate)
    a.interview.scheduled_at = b.interview.scheduled_at = now_utc() + timedelta(days=1)
    db.session.commit()
    auth.login_as(a.recruiter)
    for url in ("/", "/jobs", "/interviews", "/outbox", "/candidates/new"):
        page = client.get(url).text
        assert b.candidate.name not in page and b.candidate.email not in page, url
        assert f">{b.job.title}<" not in page, url
    assert a.candidate.name in client.get("/interviews").text
    assert a.candidate.email in client.get("/outbox").text


def test_removing_a_team_member_takes_the_job_away(client, auth, worlds):
    a, b = worlds["a"], worlds["b"]
    member = db.session.get(JobMember, a.ids["member_id"])
    helper = member.user
    auth.login_as(helper)
    assert client.get(f"/jobs/{a.job.id}").status_code == 200
    auth.login_as(a.recruiter)
    assert helper.name in client.get(f"/jobs/{a.job.id}/settings").text
    wrong_job = client.post(f"/jobs/{b.job.id}/team/{member.id}/remove")
    assert wrong_job.status_code == 403
    assert client.post(f"/jobs/{a.job.id}/team/{member.id}/remove").status_code == 302
    auth.login_as(helper)
    assert client.get(f"/jobs/{a.job.id}").status_code == 403

"""The demo interviews load with the demo data, and the route walk of tests/auth/test_access.py
still holds on them (object id 1 is an interview, scorecard and application the demo interviewer
may open)."""

from __future__ import annotations

from app import demo
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db
from app.models import Interview, Role, Scorecard, User
from tests.auth.test_access import concrete_urls


def test_demo_interviews_and_route_walk(app, client, auth):
    demo.seed()  # includes the demo interviews and scorecards
    db.session.commit()
    assert db.session.query(Interview).count() == 4
    assert db.session.query(Scorecard).count() == 5
    users = {
        role: db.session.scalars(db.select(User).where(User.role == role).order_by(User.id)).first()
        for role in (Role.ADMIN, Role.RECRUITER, Role.INTERVIEWER)
    }
    failures = []
    for endpoint, method, url in concrete_urls(app):
        if not endpoint.startswith("scorecards.") and endpoint != "main.home":
            continue
        declared = allowed_roles(endpoint)
        for role, user in users.items():
            auth.login_as(user)
            status = client.open(url, method=method).status_code
            if declared is PUBLIC or role in declared:
                ok = status not in (401, 403, 500)
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method} {url} as {role}: {status}")
    assert failures == [], "\n".join(failures)

    auth.login_as(users[Role.INTERVIEWER])
    home = client.get("/").text
    assert 'id="overdue"' in home and "Amara Nwosu" in home

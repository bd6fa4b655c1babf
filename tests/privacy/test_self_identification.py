"""Self-identification answers reach nobody but the aggregate reports, and vanish on erasure.

The questions are replaced by a file whose keys and labels are markers found nowhere else, so a
marker in a response means that page, export or API answer leaks the answers (or the form).
Every GET route is walked as admin, recruiter, interviewer and candidate (API with tokens).
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from app.api.tokens import create_token
from app.extensions import db
from app.models import JobMember, Role, SelfIdentification
from app.pipeline import operations as pipeline
from app.reports import self_id
from tests.auth.worlds import build_world
from tests.conftest import app_context_on
from tests.grading.conftest import FIXTURES
from tests.privacy.test_erasure import personal_traces
from tests.scorecards.conftest import staff

MARKER = "zqxselfident"  # long enough never to appear by chance in a signed token
QUESTIONS = f"""
questions:
  - key: {MARKER}_origin
    label: {MARKER.capitalize()} origin question
    options:
      - {{key: {MARKER}_alpha, label: {MARKER.capitalize()}alpha people}}
      - {{key: {MARKER}_beta, label: {MARKER.capitalize()}beta people}}
      - {{key: {MARKER}_gamma, label: {MARKER.capitalize()}gamma people}}
"""
# The only pages that may name the categories: the candidate's own form, and the reports.
MAY_NAME_CATEGORIES = {"self_id.form", "assessment.impact", "assessment.impact_csv"}
STRING_ARGUMENTS = {"table": "stages", "slug": "tiny", "version": "1"}


def make_app(database_url, tmp_path):
    path = tmp_path / "self-id.yaml"
    path.write_text(QUESTIONS)
    return app_context_on(database_url, EXERCISES_DIR=FIXTURES, SELF_ID_FILE=path)


def answer(client, auth, user, key: str):
    auth.login_as(user)
    return client.post("/me/self-identification", data={f"{MARKER}_origin": key})


def test_answers_appear_only_in_the_aggregate_reports(tmp_path):
    with make_app(f"sqlite:///{tmp_path / 'walk.db'}", tmp_path) as app:
        db.create_all()
        client = app.test_client()
        from tests.conftest import AuthActions

        auth = AuthActions(client)
        a = build_world("a")
        assert answer(client, auth, a.candidate_user, f"{MARKER}_alpha").status_code == 302
        for number in range(6):  # enough answers for the report to show a group
            person = pipeline.add_candidate(f"Peer {number}", f"peer{number}@example.com", "other")
            pipeline.apply(person, a.job, None)
            self_id.save_answers(person, {f"{MARKER}_origin": f"{MARKER}_beta"})
        admin = staff(Role.ADMIN, "Ada Admin")
        db.session.commit()
        users = {
            "admin": admin,
            "recruiter": a.recruiter,
            "interviewer": a.interviewer,
            "candidate": a.candidate_user,
        }
        tokens = {who: create_token(user, "privacy walk")[1] for who, user in users.items()}
        db.session.commit()
        adapter = app.url_map.bind("localhost")
        leaks, named = [], set()
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in (rule.methods or set()):
                continue
            values = {
                name: a.ids.get(name, 1) if isinstance(converter, IntegerConverter)
                else STRING_ARGUMENTS.get(name, "placeholder")
                for name, converter in rule._converters.items()
            }  # fmt: skip
            url = adapter.build(rule.endpoint, values)
            for who, user in users.items():
                with client.session_transaction() as session:
                    session.clear()
                auth.login_as(user)
                headers = {}
                if rule.endpoint.startswith("api."):
                    headers = {"Authorization": f"Bearer {tokens[who]}"}
                response = client.get(url, headers=headers)
                if MARKER.encode() in response.get_data().lower():  # zips, notebooks too
                    if rule.endpoint in MAY_NAME_CATEGORIES:
                        named.add((rule.endpoint, who))
                    else:
                        leaks.append(f"GET {url} as {who} ({response.status_code})")
        assert leaks == [], "self-identification shown outside the reports:\n" + "\n".join(leaks)
        # The reports do show them to those allowed, and only to them.
        assert {("assessment.impact", "admin"), ("assessment.impact", "recruiter")} <= named
        assert ("self_id.form", "candidate") in named
        assert not {who for endpoint, who in named if endpoint != "self_id.form"} & {
            "interviewer",
            "candidate",
        }
        auth.login_as(a.recruiter)
        report = client.get(f"/reports/jobs/{a.job.id}/adverse-impact").text
        assert f"{MARKER.capitalize()}beta people" in report and "fewer than 5" in report


def test_only_admins_and_allowed_recruiters_read_the_reports(app, client, auth):
    app.config["EXERCISES_DIR"] = FIXTURES
    a = build_world("a")  # its recruiter was allowed by an admin (tests/auth/worlds.py)
    helper = staff(Role.RECRUITER, "Helper without permission")
    db.session.add(JobMember(job_id=a.job.id, user_id=helper.id))
    db.session.commit()
    url = f"/reports/jobs/{a.job.id}/adverse-impact"
    for user, status in ((a.recruiter, 200), (helper, 403), (a.interviewer, 403)):
        auth.login_as(user)
        assert client.get(url).status_code == status, user.name
        assert client.get(url + "/stages.csv").status_code == status, user.name
    auth.login_as(helper)
    assert client.get(f"/reports/jobs/{a.job.id}/funnel").status_code == 200  # the job: yes
    assert "Adverse impact" not in client.get(f"/reports/jobs/{a.job.id}/funnel").text
    admin = staff(Role.ADMIN, "Ada Admin")
    auth.login_as(admin)
    response = client.post(
        "/reports/demographic-access", data={"user_id": helper.id, "allowed": "1"}
    )
    assert response.status_code == 302
    auth.login_as(helper)
    assert client.get(url).status_code == 200
    auth.login_as(admin)
    client.post("/reports/demographic-access", data={"user_id": helper.id, "allowed": "0"})
    refused = client.post(
        "/reports/demographic-access", data={"user_id": a.interviewer.id, "allowed": "1"}
    )
    assert refused.status_code == 302
    auth.login_as(helper)
    assert client.get(url).status_code == 403
    auth.login_as(a.interviewer)
    assert client.get(url).status_code == 403  # an interviewer can never be allowed


@pytest.fixture
def erasure_setup(database_url, tmp_path):
    with make_app(database_url, tmp_path) as app:
        db.create_all()
        yield app


def test_answers_are_validated_withdrawn_and_erased_with_the_candidate(erasure_setup):
    app = erasure_setup
    client = app.test_client()
    from tests.conftest import AuthActions

    auth = AuthActions(client)
    a, b = build_world("a"), build_world("b")
    bad = answer(client, auth, a.candidate_user, "not_an_option")
    assert bad.status_code == 400 and "Not a valid choice" in bad.text
    assert db.session.query(SelfIdentification).count() == 0
    answer(client, auth, a.candidate_user, f"{MARKER}_gamma")
    answer(client, auth, b.candidate_user, f"{MARKER}_beta")
    assert personal_traces([f"{MARKER}_gamma"]) == ["self_identifications.answer contains "
                                                    f"'{MARKER}_gamma'"]  # fmt: skip
    auth.login_as(a.candidate_user)  # their own form shows their answer, to change or withdraw
    assert f'selected value="{MARKER}_gamma"' in client.get("/me/self-identification").text
    # The candidate may withdraw their answers at any time.
    auth.login_as(b.candidate_user)
    assert client.post("/me/self-identification/withdraw").status_code == 302
    assert personal_traces([f"{MARKER}_beta"]) == []
    answer(client, auth, b.candidate_user, f"{MARKER}_beta")

    admin = staff(Role.ADMIN, "Ada Admin")
    auth.login_as(admin)
    erased = client.post(f"/candidates/{a.candidate.id}/erase", data={"confirm": "y"})
    assert erased.status_code == 302
    db.session.expire_all()
    assert personal_traces([f"{MARKER}_gamma"]) == []
    left = db.session.query(SelfIdentification).filter_by(candidate_id=a.candidate.id).count()
    assert left == 0
    assert personal_traces([f"{MARKER}_beta"]), "the other candidate's answer stays"

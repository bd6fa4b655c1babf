"""The partner endpoints over real HTTP, driven by the simulated ATS: list_tests, send_test
(idempotent on the ATS's url), authentication, and every refusal in the contract's error format
with nothing written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.integrations import connections
from app.models import (
    Application,
    Assignment,
    AtsOrder,
    AuditEvent,
    Candidate,
    Invite,
    OutboxMessage,
    Role,
    StageKind,
)
from app.pipeline import operations as pipeline
from tests.integrations.conftest import candidate_payload

ORDER_URL = "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/{}"
TABLES = (Candidate, Application, Assignment, AtsOrder, Invite, OutboxMessage)


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_list_tests_offers_each_exercise_in_the_connections_jobs_only(create_job, connect, ats_for):
    mine, other = create_job("Junior AI Engineer"), create_job("Data Engineer")
    _, key = connect(mine)
    tests = ats_for(key).list_tests()
    assert {t["partner_test_id"] for t in tests} == {f"{mine.id}-tiny"}
    assert "Junior AI Engineer" in tests[0]["partner_test_name"]
    assert all(not t["partner_test_id"].startswith(f"{other.id}-") for t in tests)


@pytest.mark.parametrize("header_key", [None, "hlats_not-a-key", "not even the prefix", "x" * 400])
def test_a_missing_or_wrong_key_is_401_in_the_error_format(
    create_job, connect, ats_for, header_key
):
    connect(create_job())
    answer = ats_for(header_key).request("GET", "list_tests")
    assert answer.status == 401
    assert "API key" in answer.body["errors"][0]
    assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_malformed_basic_credentials_are_401_not_500(create_job, connect, live_url):
    import urllib.error
    import urllib.request

    connect(create_job())
    for header in ("Basic !!!notbase64", "Basic " + "\u00ff" * 3, "Bearer abc", "Basic"):
        request = urllib.request.Request(
            live_url + "/integrations/greenhouse/list_tests",
            headers={"Authorization": header.encode("latin-1").decode("latin-1")},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        assert json.loads(refused.value.read())["errors"]


def test_a_revoked_key_stops_working_at_once(app, create_job, connect, ats_for, create_user):
    connection, key = connect(create_job())
    ats = ats_for(key)
    assert ats.list_tests()
    connections.revoke_connection(connection, create_user(Role.ADMIN))
    db.session.commit()
    answer = ats.request("GET", "list_tests")
    assert answer.status == 401 and "revoked" in answer.body["errors"][0]


def test_send_test_creates_candidate_application_assignment_and_mails_the_invite(
    create_job, connect, ats_for
):
    job = create_job()
    connection, key = connect(job)
    ats = ats_for(key)
    interview_id = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(1))

    order = db.session.scalar(select(AtsOrder))
    assert order.partner_interview_id == interview_id and order.connection_id == connection.id
    candidate = order.assignment.application.candidate
    assert (candidate.name, candidate.email) == ("Harry Potter", "harry@hogwarts.example")
    assert candidate.phone == "" and candidate.links == ""  # only what HireLab needs is kept
    assert order.assignment.application.job_id == job.id
    assert order.assignment.exercise_slug == "tiny"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to == "harry@hogwarts.example" and "/invite/" in mail.body
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ats.test_sent"))


def test_the_same_order_twice_is_one_order(ordering):
    ats, job, _ = ordering
    first = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(7))
    before = counts()
    again = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(7))
    assert again == first and counts() == before  # no second candidate, assignment or mail


def test_a_reused_order_url_for_another_order_is_refused(ordering):
    ats, job, _ = ordering
    first = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(8))
    before = counts()
    body = {
        "partner_test_id": f"{job.id}-tiny",
        "candidate": candidate_payload("someone.else@example.com"),
        "url": ORDER_URL.format(8),
    }
    answer = ats.send_test_raw(json.dumps(body).encode())
    assert answer.status == 409 and first in answer.body["errors"][0]
    assert counts() == before


def test_a_second_order_of_the_same_test_reuses_the_assignment(ordering):
    ats, job, _ = ordering
    first = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(1))
    second = ats.send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(2))
    assert first != second
    assert counts()["Assignment"] == 1 and counts()["Candidate"] == 1
    assert counts()["OutboxMessage"] == 2  # the re-sent test is mailed again


BAD_BODIES = [
    (b"{not json", 400, "not valid JSON"),
    (b"\xff\xfe", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b'"text"', 400, "JSON object"),
    (b"{}", 400, "partner_test_id is required"),
    (b'{"partner_test_id": "1-tiny"}', 400, "candidate is required"),
    (b'{"partner_test_id": "1-tiny", "candidate": []}', 400, "candidate is required"),
    (b'{"partner_test_id": {"a": 1}, "candidate": {}}', 400, "partner_test_id must be a string"),
    (b'{"partner_test_id": "1-tiny", "candidate": {"first_name": "A"}}', 400, "last_name"),
]


@pytest.mark.parametrize(("raw", "status", "message"), BAD_BODIES)
def test_malformed_send_test_bodies_say_what_to_fix_and_write_nothing(
    create_job, connect, ats_for, raw, status, message
):
    _, key = connect(create_job())
    before = counts()
    answer = ats_for(key).send_test_raw(raw)
    assert answer.status == status and message in answer.body["errors"][0]
    assert counts() == before


@pytest.mark.parametrize(
    ("candidate", "url", "message"),
    [
        ({"email": ""}, ORDER_URL.format(1), "candidate.email is required"),
        ({"email": "not-an-email"}, ORDER_URL.format(1), "not an email address"),
        ({"first_name": "x" * 500}, ORDER_URL.format(1), "longer than"),
        ({}, None, "url is required"),
        ({}, "ftp://ats.example/x", "full http(s) URL"),
        ({}, "http://127.0.0.1:9/callback", "loopback"),
        ({}, "http://169.254.169.254/latest", "metadata"),
    ],
)
def test_bad_fields_say_what_to_fix_and_write_nothing(
    app, create_job, connect, ats_for, candidate, url, message
):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ""  # as in production: loopback is refused
    job = create_job()
    _, key = connect(job)
    body = {"partner_test_id": f"{job.id}-tiny", "candidate": candidate_payload(**candidate)}
    if url is not None:
        body["url"] = url
    before = counts()
    answer = ats_for(key).send_test_raw(json.dumps(body).encode())
    assert answer.status == 400 and message in answer.body["errors"][0], answer
    assert counts() == before


def test_unknown_test_ids_and_other_jobs_tests_are_404(create_job, connect, ats_for):
    mine, other = create_job(), create_job("Other team's job")
    _, key = connect(mine)
    ats = ats_for(key)
    before = counts()
    for test_id in ("nope", f"{mine.id}-no-such-exercise", f"{other.id}-tiny", "999999-tiny"):
        body = {
            "partner_test_id": test_id,
            "candidate": candidate_payload(),
            "url": ORDER_URL.format(3),
        }
        answer = ats.send_test_raw(json.dumps(body).encode())
        assert answer.status == 404 and "list_tests" in answer.body["errors"][0]
    assert counts() == before


def test_a_closed_application_is_refused_and_nothing_is_half_written(create_job, connect, ats_for):
    job = create_job()
    candidate = pipeline.add_candidate("Harry Potter", "harry@hogwarts.example", "referral")
    application = pipeline.apply(candidate, job, None)
    pipeline.move(application, pipeline.terminal_stage(job, StageKind.REJECTED), None, "no")
    db.session.commit()
    _, key = connect(job)
    before = counts()
    body = {
        "partner_test_id": f"{job.id}-tiny",
        "candidate": candidate_payload(),
        "url": ORDER_URL.format(4),
    }
    answer = ats_for(key).send_test_raw(json.dumps(body).encode())
    assert answer.status == 409 and "closed" in answer.body["errors"][0]
    assert counts() == before


def applied(name: str, email: str, job) -> Candidate:
    candidate = pipeline.add_candidate(name, email, "referral")
    pipeline.apply(candidate, job, None)
    db.session.commit()
    return candidate


def test_the_ats_never_reaches_another_recruiters_candidate(
    create_job, create_user, connect, ats_for
):
    """The same email in a job outside the connection is never matched, touched or revealed."""
    mine = create_job("Mine", owner=create_user(Role.RECRUITER))
    theirs = create_job("Theirs", owner=create_user(Role.RECRUITER))
    existing = applied("Harry Elsewhere", "harry@hogwarts.example", theirs)
    _, key = connect(mine)
    ats_for(key).send_test(f"{mine.id}-tiny", candidate_payload(), ORDER_URL.format(5))
    order = db.session.scalar(select(AtsOrder))
    assert order.assignment.application.candidate_id != existing.id
    db.session.refresh(existing)
    assert [a.job_id for a in existing.applications] == [theirs.id]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Application)
            .where(Application.candidate_id == existing.id)
        )
        == 0
    )


def test_a_candidate_of_the_connections_job_is_matched(create_job, connect, ats_for):
    job = create_job()
    existing = applied("Harry Potter", "Harry@Hogwarts.example", job)
    _, key = connect(job)
    ats_for(key).send_test(f"{job.id}-tiny", candidate_payload(), ORDER_URL.format(6))
    order = db.session.scalar(select(AtsOrder))
    assert order.assignment.application.candidate_id == existing.id
    assert counts()["Candidate"] == 1 and counts()["Application"] == 1


def test_unknown_endpoints_and_methods_answer_in_the_error_format(create_job, connect, ats_for):
    _, key = connect(create_job())
    ats = ats_for(key)
    for method, endpoint in (("GET", "send_test"), ("POST", "list_tests"), ("GET", "nope")):
        answer = ats.request(method, endpoint)
        assert answer.status in (404, 405) and answer.body["errors"][0]


def test_response_error_reports_are_acknowledged(create_job, connect, ats_for):
    _, key = connect(create_job())
    report = {"api_call": "test_status", "errors": ["partner_profile_url is missing"]}
    answer = ats_for(key).request("POST", "response_error", json.dumps(report).encode())
    assert answer.status == 200 and answer.body == {"status": 200}

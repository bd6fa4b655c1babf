"""Each API shape is declared once: the document's choices and limits are the domain's own, the
roles are the views' own, refusals name the field, and the move rules are the pipeline's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.api.openapi import document
from app.auth.access import allowed_roles
from app.extensions import db
from app.models import Role, RunStatus, ScorecardStatus, StageKind, StageTransition
from app.pipeline.operations import MAX_MOVE_DETAILS, SOURCES
from app.pipeline.reasons import LISTED_REASONS
from tests.grading.test_portal import graded


def schemas() -> dict:
    return document()["components"]["schemas"]


def test_choices_and_limits_in_the_document_are_the_domains_own(app):
    found = schemas()
    for enum in (Role, StageKind, RunStatus, ScorecardStatus):
        assert found[enum.__name__]["enum"] == [member.value for member in enum]
    assert found["NewCandidate"]["properties"]["source"]["enum"] == list(SOURCES)
    move = found["NewMove"]["properties"]
    assert move["reason"]["enum"] == list(LISTED_REASONS)
    assert move["details"]["maxLength"] == MAX_MOVE_DETAILS
    run = found["Run"]
    hidden = {"message", "tests", "red_flags"}
    assert hidden <= set(run["properties"]) and not hidden & set(run["required"])


def test_the_roles_in_the_document_are_the_ones_each_view_declares(app):
    endpoints = {
        (rule.rule, method.lower()): rule.endpoint
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
    }
    checked = 0
    for path, item in document()["paths"].items():
        flask_path = path.replace("{", "<int:").replace("}", ">")
        for method, operation in item.items():
            roles = allowed_roles(endpoints[(flask_path, method)])
            if "description" in operation:
                names = ", ".join(role.value for role in Role if role in roles)
                assert operation["description"] == f"Roles: {names}.", path
                checked += 1
    assert checked >= 18


def test_a_view_without_a_declaration_cannot_ship(app):
    app.add_url_rule("/api/v1/undeclared", "api.undeclared", lambda: {})
    with pytest.raises(RuntimeError, match=r"api\.undeclared: declare the API view with @endpoint"):
        document()


def test_refusals_name_each_field_and_say_what_to_send(api_as, admin):
    api = api_as(admin)
    response = api.post("/api/v1/jobs", json={"title": "x" * 201, "colour": "red"})
    assert response.status_code == 400
    fields = response.json["error"]["fields"]
    assert fields == {
        "title": "At most 200 characters (it has 201).",
        "colour": "Unknown field; the fields are: department, title.",
    }
    response = api.post("/api/v1/candidates", json={"name": "Ada", "source": "referral"})
    assert response.json["error"]["fields"] == {"email": "Required: give a string."}
    for bad in ("5", True, 5.0):  # a JSON body is not coerced
        response = api.post("/api/v1/candidates/1/applications", json={"job_id": bad})
        assert response.status_code in (400, 404)
    job = api.post("/api/v1/jobs", json={"title": "ML", "department": None}).json
    assert job["department"] == ""  # null is "not given"
    assert job["created_at"].endswith("+00:00")  # isoformat, as the API always wrote it
    for query in ("page=0", "per_page=101", "page=abc", "colour=red"):
        response = api.get(f"/api/v1/jobs?{query}")
        assert response.status_code == 400 and response.json["error"]["fields"], query
    assert api.get("/api/v1/jobs?page=abc").json["error"]["fields"] == {
        "page": "Must be an integer."
    }


def moves() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition))


@pytest.fixture
def mover(api_as, worlds):
    """A recruiter of world a, the moves URL of its application, and its job's stages by name."""
    a = worlds["a"]
    url = f"/api/v1/applications/{a.application.id}/moves"
    return api_as(a.recruiter), url, {s.name: s.id for s in a.job.stages}


def test_an_api_move_back_needs_the_confirmation_the_board_asks_for(mover, worlds):
    api, url, stages = mover
    before = moves()
    refused = api.post(url, json={"stage_id": stages["Applied"]})
    assert refused.status_code == 400 and set(refused.json["error"]["fields"]) == {"backwards"}
    same = api.post(url, json={"stage_id": worlds["a"].application.stage_id})
    assert same.status_code == 400
    assert "already in" in same.json["error"]["fields"]["stage_id"]
    assert moves() == before
    moved = api.post(url, json={"stage_id": stages["Applied"], "backwards": True})
    assert moved.status_code == 201 and moved.json["to_stage_id"] == stages["Applied"]


def test_move_details_have_one_limit_everywhere(mover, worlds):
    api, url, stages = mover
    before = moves()
    too_long = {"stage_id": stages["Debrief"], "details": "x" * (MAX_MOVE_DETAILS + 1)}
    response = api.post(url, json=too_long)
    assert response.status_code == 400 and "details" in response.json["error"]["fields"]
    rejected = {
        "stage_id": stages["Rejected"],
        "reason": "Position filled",
        "details": "y" * (MAX_MOVE_DETAILS + 1),
    }
    assert api.post(url, json=rejected).status_code == 400
    assert moves() == before
    other_job = worlds["b"].job.stages[0].id
    wrong = api.post(url, json={"stage_id": other_job}).json["error"]["fields"]["stage_id"]
    assert f"{stages['Applied']} (Applied)" in wrong  # the job's own stages, listed


def test_a_graded_run_as_staff_and_as_its_candidate(api_as, worlds):
    a = worlds["a"]
    graded(a.run)
    url = f"/api/v1/submissions/{a.run.submission_id}"
    staff_run = api_as(a.recruiter).get(url).json["runs"][-1]
    assert [g["id"] for g in staff_run["groups"]] == ["basics", "accuracy"]
    assert (staff_run["score"], staff_run["max_score"], staff_run["message"]) == (6.0, 10, "done")
    assert staff_run["tests"] == [
        {
            "id": "tests/test_accuracy.py::test_secret_holdout",
            "group": "accuracy",
            "outcome": "failed",
            "message": "row 7",
        }
    ]
    assert staff_run["red_flags"] == []
    own_run = api_as(a.candidate_user).get(url).json["runs"][-1]
    assert set(staff_run) - set(own_run) == {"message", "tests", "red_flags"}
    assert [g["id"] for g in own_run["groups"]] == ["basics"]
    assert (own_run["score"], own_run["max_score"]) == (4.0, 4.0)  # the visible groups' total

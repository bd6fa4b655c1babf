"""The API's resources: what each role reaches, validation that writes nothing, JSON errors."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Application, AuditEvent, Candidate, Job, Role, StageTransition, Submission
from tests.grading.conftest import TINY
from tests.scorecards.conftest import full_input, save, schedule, staff, submit


def row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in db.metadata.tables.items()
        }


def test_create_a_job_and_read_it_back(api_as, admin):
    api = api_as(admin)
    created = api.post("/api/v1/jobs", json={"title": " ML Engineer ", "department": "AI"})
    assert created.status_code == 201
    job = created.json
    assert job["title"] == "ML Engineer" and [s["name"] for s in job["stages"]][:2] == [
        "Applied",
        "Recruiter screen",
    ]
    assert api.get(f"/api/v1/jobs/{job['id']}").json == job
    listing = api.get("/api/v1/jobs?per_page=1").json
    assert listing["total"] == 1 and listing["items"][0]["id"] == job["id"]


def test_bad_input_is_a_400_naming_each_field_and_writes_nothing(api_as, admin):
    api = api_as(admin)
    before = row_counts()
    response = api.post("/api/v1/jobs", json={"title": "", "department": 7, "colour": "red"})
    assert response.status_code == 400
    error = response.json["error"]
    assert set(error["fields"]) == {"title", "department", "colour"}
    assert "Fix these fields" in error["message"]
    response = api.post(
        "/api/v1/candidates", json={"name": "Ada", "email": "not-an-email", "source": "tv"}
    )
    assert set(response.json["error"]["fields"]) == {"email", "source"}
    assert "careers site" in response.json["error"]["fields"]["source"]
    assert api.post("/api/v1/jobs", data="title=x").status_code == 415
    assert api.post("/api/v1/jobs", json=["a list"]).status_code == 400
    assert api.get("/api/v1/jobs?page=0").json["error"]["fields"]["page"]
    assert row_counts() == before


def test_candidates_apply_and_duplicates_conflict(api_as, admin):
    api = api_as(admin)
    job = api.post("/api/v1/jobs", json={"title": "ML Engineer"}).json
    body = {"name": "Grace Hopper", "email": "Grace@Example.com", "source": "referral"}
    created = api.post("/api/v1/candidates", json={**body, "job_id": job["id"]})
    assert created.status_code == 201
    candidate = created.json
    assert candidate["email"] == "grace@example.com"
    assert [a["stage"]["name"] for a in candidate["applications"]] == ["Applied"]
    duplicate = api.post("/api/v1/candidates", json=body)
    assert duplicate.status_code == 409 and "already exists" in duplicate.json["error"]["message"]
    again = api.post(
        f"/api/v1/candidates/{candidate['id']}/applications", json={"job_id": job["id"]}
    )
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 1


def test_moves_follow_the_pipeline_rules(api_as, worlds):
    a = worlds["a"]
    api = api_as(a.recruiter)
    url = f"/api/v1/applications/{a.application.id}/moves"
    stages = {s.name: s.id for s in a.job.stages}
    moves_before = db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition))
    refused = api.post(url, json={"stage_id": stages["Rejected"]})
    assert refused.status_code == 400 and refused.json["error"]["fields"] == {
        "reason": refused.json["error"]["message"]
    }
    other_job = worlds["b"].job.stages[0].id
    assert "stage_id" in api.post(url, json={"stage_id": other_job}).json["error"]["fields"]
    assert api.post(url, json={"stage_id": stages["Debrief"], "reason": "x"}).status_code == 400
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(StageTransition)) == moves_before
    )
    moved = api.post(url, json={"stage_id": stages["Debrief"], "details": "strong panel"})
    assert moved.status_code == 201 and moved.json["to_stage_id"] == stages["Debrief"]
    history = api.get(f"/api/v1/applications/{a.application.id}").json["transitions"]
    assert history[-1]["reason"] == "strong panel"


def test_recruiters_reach_their_jobs_only_and_others_answer_404(api_as, worlds):
    a, b = worlds["a"], worlds["b"]
    api = api_as(a.recruiter)
    assert [j["id"] for j in api.get("/api/v1/jobs").json["items"]] == [a.job.id]
    assert [c["id"] for c in api.get("/api/v1/candidates").json["items"]] == [a.candidate.id]
    for url in (
        f"/api/v1/jobs/{b.job.id}",
        f"/api/v1/jobs/{b.job.id}/applications",
        f"/api/v1/candidates/{b.candidate.id}",
        f"/api/v1/applications/{b.application.id}",
        f"/api/v1/submissions/{b.run.submission_id}",
        f"/api/v1/applications/{b.application.id}/scorecards",
    ):
        response = api.get(url)
        assert response.status_code == 404 and response.is_json, url
    before = row_counts()
    move = api.post(
        f"/api/v1/applications/{b.application.id}/moves", json={"stage_id": b.job.stages[0].id}
    )
    assert move.status_code == 404
    assert api.post(f"/api/v1/submissions/{b.run.submission_id}/regrade").status_code == 404
    assert row_counts() == before


def test_roles_are_enforced_with_json_403(api_as, worlds):
    a = worlds["a"]
    interviewer = api_as(a.interviewer)
    response = interviewer.get("/api/v1/jobs")
    assert response.status_code == 403 and response.json["error"]["status"] == 403
    assert interviewer.get(f"/api/v1/applications/{a.application.id}").status_code == 200
    candidate = api_as(a.candidate_user)
    assert candidate.post("/api/v1/jobs", json={"title": "x"}).status_code == 403
    assert candidate.get(f"/api/v1/applications/{a.application.id}").status_code == 200


def test_unknown_paths_and_methods_answer_json(api_as, admin):
    api = api_as(admin)
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json
    wrong = api.open("DELETE", "/api/v1/jobs")
    assert wrong.status_code == 405 and wrong.is_json
    assert api.get("/api/v1/jobs/99999999999999999999").status_code == 404
    assert api.get("/nothing-here").mimetype == "text/html"  # pages keep their HTML errors


def test_candidate_uploads_through_the_api_and_sees_only_their_view(app, api_as, worlds):
    a = worlds["a"]
    candidate = api_as(a.candidate_user)
    notebook = (TINY / "reference" / "full-marks.ipynb").read_bytes()
    url = f"/api/v1/assignments/{a.assignment.id}/submissions"
    missing = candidate.post(url, data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "notebook" in missing.json["error"]["fields"]
    bad = candidate.post(
        url,
        data={"notebook": (__import__("io").BytesIO(b"{}"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "not a Jupyter notebook" in bad.json["error"]["message"]
    queue = app.extensions["grading_queue"].huey
    pending_before = queue.pending_count()
    import io

    uploaded = candidate.post(
        url,
        data={"notebook": (io.BytesIO(notebook), "tiny.ipynb")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["runs"][0]["status"] == "queued"
    assert queue.pending_count() == pending_before + 1
    other = api_as(worlds["b"].candidate_user)
    assert other.post(url, data={"notebook": (io.BytesIO(notebook), "t.ipynb")}).status_code == 404
    submission = candidate.get(f"/api/v1/submissions/{uploaded.json['id']}").json
    assert "tests" not in submission["runs"][0] and "message" not in submission["runs"][0]
    staff_view = api_as(a.recruiter).get(f"/api/v1/submissions/{uploaded.json['id']}").json
    assert "tests" in staff_view["runs"][0]
    assert db.session.get(Submission, uploaded.json["id"]).assignment_id == a.assignment.id
    # The same upload workflow as the portal: audited for the candidate's trail.
    audited = db.session.scalars(
        sa.select(AuditEvent.target).where(AuditEvent.action == "notebook.uploaded")
    ).all()
    assert audited == [f"submission:{uploaded.json['id']}"]


def test_scorecards_follow_the_independence_rule(api_as, app, create_job, create_candidate):
    recruiter = staff(Role.RECRUITER, "Rita Recruiter")
    job = create_job(owner=recruiter)
    application = create_candidate(job).applications[0]
    first = staff(Role.INTERVIEWER, "Ian First")
    second = staff(Role.INTERVIEWER, "Ines Second")
    interview = schedule(application, [first, second], actor=recruiter)
    theirs = submit(interview, second)
    url = f"/api/v1/applications/{application.id}/scorecards"
    api_first = api_as(first)
    assert api_first.get(url).json["items"] == []
    assert api_first.get(f"/api/v1/scorecards/{theirs.id}").status_code == 404
    draft = save(interview, first, full_input(recommendation="no"))
    assert [c["id"] for c in api_first.get(url).json["items"]] == [draft.id]
    submit(interview, first)
    ids = {c["id"] for c in api_first.get(url).json["items"]}
    assert theirs.id in ids and draft.id in ids
    assert api_first.get(f"/api/v1/scorecards/{theirs.id}").status_code == 200
    assert {c["id"] for c in api_as(recruiter).get(url).json["items"]} == ids
    assert api_as(staff(Role.INTERVIEWER, "Olga Outsider")).get(url).status_code == 404


def test_job_applications_filter_by_stage(api_as, worlds):
    a = worlds["a"]
    api = api_as(a.recruiter)
    stage = a.stage.id
    listing = api.get(f"/api/v1/jobs/{a.job.id}/applications?stage_id={stage}").json
    assert [item["id"] for item in listing["items"]] == [a.application.id]
    wrong = api.get(f"/api/v1/jobs/{a.job.id}/applications?stage_id={worlds['b'].stage.id}")
    assert wrong.status_code == 400 and "stage_id" in wrong.json["error"]["fields"]
    assert db.session.get(Application, a.application.id).job_id == a.job.id
    assert db.session.get(Job, a.job.id) is not None

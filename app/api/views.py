"""The JSON API, version 1: thin views that parse, call one operation, commit and return JSON.

Every view declares its roles like the HTML views; the token's user is the current user (see
auth.py), so object-level access (app.auth.policy) and the scorecard independence rule apply
exactly as on the pages. Objects a user may not see answer 404, as if they did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select

from app.api import representations as out
from app.api.errors import ApiError, register_blueprint_handlers
from app.api.inputs import Fields, get_or_404, json_object
from app.auth import policy
from app.auth.access import public, roles_required
from app.auth.independence import may_read_scorecard, visible
from app.auth.policy import (
    EVERYONE,
    RECRUITING,
    STAFF,
    can_access_job,
    can_view_application,
    can_view_candidate,
    job_filter,
)
from app.errors import DomainError
from app.extensions import csrf, db
from app.grading import operations as grading
from app.grading.exercises import ExerciseError, installed_exercise
from app.models import (
    Application,
    Assignment,
    Candidate,
    Job,
    Role,
    Scorecard,
    Stage,
    Submission,
)
from app.pipeline import operations as pipeline
from app.scorecards.queries import effective_scorecards
from app.search import index as search_index

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated only: no cookie, so no cross-site request forgery
register_blueprint_handlers(bp)


def created(body: dict[str, Any]):
    return jsonify(body), 201


def _paged(query, page: int, per_page: int):
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def _page_args(*extra: str) -> tuple[Fields, int, int]:
    fields = Fields(request.args, ("page", "per_page", *extra), where="query")
    page = fields.integer("page", required=False, maximum=100_000) or 1
    per_page = fields.integer("per_page", required=False, maximum=100) or 50
    return fields, page, per_page


def _domain(call, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except DomainError as error:
        raise ApiError.from_domain(error) from error


def _not_found(what: str, object_id: int) -> ApiError:
    return ApiError(404, f"There is no {what} with id {object_id} (or your account cannot see it).")


def _visible_job(job_id: int) -> Job:
    job = get_or_404(Job, job_id, "job")
    if not can_access_job(current_user, job):
        raise _not_found("job", job_id)
    return job


def _visible_candidate(candidate_id: int) -> Candidate:
    candidate = get_or_404(Candidate, candidate_id, "candidate")
    if not can_view_candidate(current_user, candidate):
        raise _not_found("candidate", candidate_id)
    return candidate


def _visible_application(application_id: int) -> Application:
    application = get_or_404(Application, application_id, "application")
    if not can_view_application(current_user, application):
        raise ApiError(
            404,
            f"There is no application with id {application_id} (or your account cannot see it).",
        )
    return application


# --- the document -----------------------------------------------------------------------------


@bp.get("/openapi.json")
@public
def openapi_document():
    from app.api.openapi import document

    return jsonify(document())


@bp.get("/me")
@roles_required(*EVERYONE)
def me():
    return jsonify(out.user(current_user))


# --- jobs -------------------------------------------------------------------------------------


@bp.get("/jobs")
@roles_required(*RECRUITING)
def list_jobs():
    fields, page, per_page = _page_args()
    fields.done()
    rows, total = _paged(
        select(Job).where(job_filter(current_user)).order_by(Job.id), page, per_page
    )
    return jsonify(out.page([out.job(j) for j in rows], page, per_page, total))


@bp.post("/jobs")
@roles_required(*RECRUITING)
def create_job():
    fields = Fields(json_object(), ("title", "department"))
    title = fields.string("title")
    department = fields.string("department", required=False, max_length=120)
    fields.done()
    job = _domain(pipeline.create_job, title, current_user, department)
    db.session.commit()
    return created(out.job(job, with_stages=True))


@bp.get("/jobs/<int:job_id>")
@roles_required(*RECRUITING)
def get_job(job_id: int):
    return jsonify(out.job(_visible_job(job_id), with_stages=True))


@bp.get("/jobs/<int:job_id>/applications")
@roles_required(*RECRUITING)
def job_applications(job_id: int):
    job = _visible_job(job_id)
    fields, page, per_page = _page_args("stage_id")
    stage_id = fields.integer("stage_id", required=False)
    fields.done()
    query = select(Application).where(Application.job_id == job.id).order_by(Application.id)
    if stage_id is not None:
        if not any(stage.id == stage_id for stage in job.stages):
            raise ApiError(
                400,
                f"Stage {stage_id} is not a stage of {job.title}.",
                {"stage_id": f"Choose one of: {', '.join(str(s.id) for s in job.stages)}."},
            )
        query = query.where(Application.stage_id == stage_id)
    rows, total = _paged(query, page, per_page)
    return jsonify(
        out.page([out.application(a, current_user) for a in rows], page, per_page, total)
    )


# --- candidates and applications --------------------------------------------------------------


@bp.get("/candidates")
@roles_required(*RECRUITING)
def list_candidates():
    fields, page, per_page = _page_args("q")
    text = fields.string("q", required=False, max_length=200)
    fields.done()
    query = select(Candidate).order_by(Candidate.id)
    if text.strip():
        query = query.where(search_index.matches(text))
    if current_user.role is not Role.ADMIN:
        query = query.where(Candidate.id.in_(policy.visible_candidate_ids(current_user)))
    rows, total = _paged(query, page, per_page)
    return jsonify(out.page([out.candidate(c) for c in rows], page, per_page, total))


@bp.post("/candidates")
@roles_required(*RECRUITING)
def create_candidate():
    fields = Fields(json_object(), ("name", "email", "source", "job_id"))
    name = fields.string("name")
    email = fields.email("email")
    source = fields.string("source", max_length=60)
    if "source" not in fields.errors and source not in pipeline.SOURCES:
        fields.errors["source"] = f"Choose one of: {', '.join(pipeline.SOURCES)}."
    job_id = fields.integer("job_id", required=False)
    fields.done()
    job = _visible_job(job_id) if job_id is not None else None
    candidate = _domain(pipeline.add_candidate, name, email, source, viewer=current_user)
    if job is not None:
        _domain(pipeline.apply, candidate, job, current_user)
    db.session.commit()
    return created(_candidate_with_applications(candidate))


def _candidate_with_applications(candidate: Candidate) -> dict[str, Any]:
    data = out.candidate(candidate)
    data["applications"] = [
        out.application(a, current_user)
        for a in policy.visible_applications(current_user, candidate)
    ]
    return data


@bp.get("/candidates/<int:candidate_id>")
@roles_required(*RECRUITING)
def get_candidate(candidate_id: int):
    return jsonify(_candidate_with_applications(_visible_candidate(candidate_id)))


@bp.post("/candidates/<int:candidate_id>/applications")
@roles_required(*RECRUITING)
def create_application(candidate_id: int):
    candidate = _visible_candidate(candidate_id)
    fields = Fields(json_object(), ("job_id",))
    job_id = fields.integer("job_id")
    fields.done()
    job = _visible_job(job_id)
    application = _domain(pipeline.apply, candidate, job, current_user)
    db.session.commit()
    return created(out.application(application, current_user, with_history=True))


@bp.get("/applications/<int:application_id>")
@roles_required(*EVERYONE)
def get_application(application_id: int):
    return jsonify(
        out.application(_visible_application(application_id), current_user, with_history=True)
    )


@bp.post("/applications/<int:application_id>/moves")
@roles_required(*RECRUITING)
def move_application(application_id: int):
    application = _visible_application(application_id)
    fields = Fields(json_object(), ("stage_id", "reason", "details"))
    stage_id = fields.integer("stage_id")
    category = fields.string("reason", required=False, max_length=100)
    details = fields.string("details", required=False, max_length=pipeline.MAX_NOTE_LENGTH)
    stage = db.session.get(Stage, stage_id) if stage_id is not None else None
    if stage_id is not None and (stage is None or stage.job_id != application.job_id):
        fields.errors["stage_id"] = "Choose a stage of this application's job: " + ", ".join(
            f"{s.id} ({s.name})" for s in application.job.stages
        )
    fields.done()
    assert stage_id is not None
    # The same operation as the board and the candidate page: one rule for reasons and moves.
    (move,) = _domain(
        pipeline.move_many,
        application.job,
        [application.id],
        stage_id,
        current_user,
        category,
        details,
    )
    db.session.commit()
    return created(out.transition(move, current_user))


# --- submissions and grading results ---------------------------------------------------------


def _visible_submission(submission_id: int) -> Submission:
    submission = get_or_404(Submission, submission_id, "submission")
    if not can_view_application(current_user, submission.assignment.application):
        raise ApiError(
            404, f"There is no submission with id {submission_id} (or your account cannot see it)."
        )
    return submission


@bp.get("/applications/<int:application_id>/submissions")
@roles_required(*EVERYONE)
def application_submissions(application_id: int):
    application = _visible_application(application_id)
    submissions = db.session.scalars(
        select(Submission)
        .join(Assignment)
        .where(Assignment.application_id == application.id)
        .order_by(Submission.id)
    )
    return jsonify({"items": [out.submission(s, current_user) for s in submissions]})


@bp.get("/submissions/<int:submission_id>")
@roles_required(*EVERYONE)
def get_submission(submission_id: int):
    return jsonify(out.submission(_visible_submission(submission_id), current_user))


def _own_assignment(assignment_id: int) -> Assignment:
    assignment = get_or_404(Assignment, assignment_id, "assignment")
    candidate = current_user.candidate
    if candidate is None or assignment.application.candidate_id != candidate.id:
        raise ApiError(404, f"There is no assignment with id {assignment_id} for your account.")
    return assignment


def _exercise_version(assignment: Assignment) -> int:
    return _exercise(assignment).version


def _exercise(assignment: Assignment):
    try:
        return installed_exercise(assignment.exercise_slug)
    except ExerciseError as error:
        raise ApiError(409, f"This exercise is no longer available: {error}") from error


@bp.post("/assignments/<int:assignment_id>/start")
@roles_required(Role.CANDIDATE)
def start_assignment(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    _domain(grading.open_assignment, assignment)
    db.session.commit()
    return jsonify(
        {
            "id": assignment.id,
            "exercise": assignment.exercise_slug,
            "opened_at": out.iso(assignment.opened_at),
            "deadline_at": out.iso(assignment.deadline_at),
        }
    )


@bp.post("/assignments/<int:assignment_id>/submissions")
@roles_required(Role.CANDIDATE)
def upload_submission(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    upload = request.files.get("notebook")
    if upload is None:
        raise ApiError(
            400,
            "Send the notebook as multipart/form-data in a file field named 'notebook'.",
            {"notebook": "Required: the .ipynb file."},
        )
    limit = current_app.config["MAX_NOTEBOOK_BYTES"]
    exercise = _exercise(assignment)
    run = _domain(
        grading.submit,
        assignment,
        upload.filename or "notebook.ipynb",
        upload.read(limit + 1),
        exercise.version,
        limit,
        ai_policy=exercise.ai_policy,
        ai_disclosure=request.form.get("ai_disclosure", ""),
    )
    db.session.commit()
    return created(out.submission(run.submission, current_user))


@bp.post("/submissions/<int:submission_id>/regrade")
@roles_required(*RECRUITING)
def regrade_submission(submission_id: int):
    submission = _visible_submission(submission_id)
    run = grading.request_regrade(
        submission, current_user, _exercise_version(submission.assignment)
    )
    db.session.commit()
    return created(out.run(run, current_user))


# --- scorecards (the independence rule decides what each interviewer reads) ------------------


@bp.get("/applications/<int:application_id>/scorecards")
@roles_required(*STAFF)
def application_scorecards(application_id: int):
    application = _visible_application(application_id)
    cards = visible(current_user, effective_scorecards(application))
    return jsonify({"items": [out.scorecard(card) for card in cards]})


@bp.get("/scorecards/<int:scorecard_id>")
@roles_required(*STAFF)
def get_scorecard(scorecard_id: int):
    card = get_or_404(Scorecard, scorecard_id, "scorecard")
    if not may_read_scorecard(current_user, card):
        raise ApiError(
            404,
            f"There is no scorecard with id {scorecard_id} (or your account cannot read it yet).",
        )
    return jsonify(out.scorecard(card))

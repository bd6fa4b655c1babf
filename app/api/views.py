"""The JSON API, version 1: thin views that call one operation, commit and return a shape.

Every view declares its roles like the HTML views and its input and output with `@endpoint`
(app/api/endpoints.py), from which the OpenAPI document is written. The token's user is the
current user (see auth.py), so object-level access (app.auth.policy) and the scorecard
independence rule apply exactly as on the pages. Objects a user may not see answer 404.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from sqlalchemy import select

from app.api import queries
from app.api import result_schemas as results
from app.api import schemas as out
from app.api.endpoints import endpoint
from app.api.errors import ApiError, register_blueprint_handlers
from app.api.inputs import (
    ApplicationsInStage,
    CandidateSearch,
    NewApplication,
    NewCandidate,
    NewJob,
    NewMove,
    NotebookUpload,
    Paging,
)
from app.auth import policy
from app.auth.access import public, roles_required
from app.auth.independence import visible
from app.auth.policy import EVERYONE, RECRUITING, STAFF
from app.extensions import csrf, db
from app.grading import operations as grading
from app.grading import uploading
from app.grading.exercises import Exercise, ExerciseError, installed_exercise
from app.models import Application, Assignment, Candidate, Job, Role, Scorecard, Submission
from app.pipeline import operations as pipeline
from app.scorecards.queries import effective_scorecards
from app.search import index as search_index

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated only: no cookie, so no cross-site request forgery
register_blueprint_handlers(bp)


@bp.get("/openapi.json")
@public
def openapi_document():
    from app.api.openapi import document

    return jsonify(document())


@bp.get("/me")
@roles_required(*EVERYONE)
@endpoint(out.User)
def me():
    """The token's user."""
    return out.User.of(current_user)


# --- jobs -------------------------------------------------------------------------------------


@bp.get("/jobs")
@roles_required(*RECRUITING)
@endpoint(out.JobsPage, query=Paging)
def list_jobs(query: Paging):
    """List jobs."""
    jobs = select(Job).where(policy.job_filter(current_user)).order_by(Job.id)
    rows, total = queries.paged(jobs, query)
    return out.JobsPage.of([out.Job.of(j) for j in rows], query, total)


@bp.post("/jobs")
@roles_required(*RECRUITING)
@endpoint(out.JobDetail, status=201, body=NewJob)
def create_job(body: NewJob):
    """Create a job with the default pipeline."""
    job = pipeline.create_job(body.title, current_user, body.department or "")
    db.session.commit()
    return out.JobDetail.of(job)


@bp.get("/jobs/<int:job_id>")
@roles_required(*RECRUITING)
@endpoint(out.JobDetail, reach=queries.visible_job)
def get_job(job: Job):
    """A job and its stages."""
    return out.JobDetail.of(job)


@bp.get("/jobs/<int:job_id>/applications")
@roles_required(*RECRUITING)
@endpoint(out.ApplicationsPage, query=ApplicationsInStage, reach=queries.visible_job)
def job_applications(job: Job, query: ApplicationsInStage):
    """A job's applications, optionally in one stage."""
    applications = select(Application).where(Application.job_id == job.id)
    if query.stage_id is not None:
        stage = pipeline.stage_of(job, query.stage_id)
        applications = applications.where(Application.stage_id == stage.id)
    rows, total = queries.paged(applications.order_by(Application.id), query)
    return out.ApplicationsPage.of([out.Application.of(a) for a in rows], query, total)


# --- candidates and applications --------------------------------------------------------------


@bp.get("/candidates")
@roles_required(*RECRUITING)
@endpoint(out.CandidatesPage, query=CandidateSearch)
def list_candidates(query: CandidateSearch):
    """List candidates (q: full-text search of name, email, notes, résumé)."""
    candidates = select(Candidate).order_by(Candidate.id)
    if query.q.strip():
        candidates = candidates.where(search_index.matches(query.q))
    if current_user.role is not Role.ADMIN:
        candidates = candidates.where(Candidate.id.in_(policy.visible_candidate_ids(current_user)))
    rows, total = queries.paged(candidates, query)
    return out.CandidatesPage.of([out.Candidate.of(c) for c in rows], query, total)


@bp.post("/candidates")
@roles_required(*RECRUITING)
@endpoint(out.CandidateDetail, status=201, body=NewCandidate, errors=(409,))
def create_candidate(body: NewCandidate):
    """Add a candidate (and apply them to a job)."""
    job = queries.visible_job(current_user, body.job_id) if body.job_id is not None else None
    candidate = pipeline.add_candidate_to_job(
        body.name, body.email, body.source, job, current_user
    )
    db.session.commit()
    return out.CandidateDetail.of(candidate, current_user)


@bp.get("/candidates/<int:candidate_id>")
@roles_required(*RECRUITING)
@endpoint(out.CandidateDetail, reach=queries.visible_candidate)
def get_candidate(candidate: Candidate):
    """A candidate and their applications."""
    return out.CandidateDetail.of(candidate, current_user)


@bp.post("/candidates/<int:candidate_id>/applications")
@roles_required(*RECRUITING)
@endpoint(
    out.ApplicationDetail,
    status=201,
    body=NewApplication,
    errors=(409,),
    reach=queries.visible_candidate,
)
def create_application(candidate: Candidate, body: NewApplication):
    """Apply a candidate to a job."""
    job = queries.visible_job(current_user, body.job_id)
    application = pipeline.apply(candidate, job, current_user)
    db.session.commit()
    return out.ApplicationDetail.of(application, current_user)


@bp.get("/applications/<int:application_id>")
@roles_required(*EVERYONE)
@endpoint(out.ApplicationDetail, reach=queries.visible_application)
def get_application(application: Application):
    """An application and its stage history (object-level access applies)."""
    return out.ApplicationDetail.of(application, current_user)


@bp.post("/applications/<int:application_id>/moves")
@roles_required(*RECRUITING)
@endpoint(out.Transition, status=201, body=NewMove, reach=queries.visible_application)
def move_application(application: Application, body: NewMove):
    """Move an application to another stage of its job."""
    move = pipeline.move_application(
        application,
        body.stage_id,
        current_user,
        body.reason or "",
        body.details or "",
        backwards=body.backwards,
    )
    db.session.commit()
    return out.Transition.of(move, current_user)


# --- submissions and grading results ---------------------------------------------------------


@bp.get("/applications/<int:application_id>/submissions")
@roles_required(*EVERYONE)
@endpoint(results.SubmissionList, reach=queries.visible_application)
def application_submissions(application: Application):
    """An application's submissions with their grading runs."""
    return results.SubmissionList(
        items=[results.Submission.of(s, current_user) for s in queries.submissions_of(application)]
    )


@bp.get("/submissions/<int:submission_id>")
@roles_required(*EVERYONE)
@endpoint(results.Submission, reach=queries.visible_submission)
def get_submission(submission: Submission):
    """A submission with its grading runs (candidates see their status page's view)."""
    return results.Submission.of(submission, current_user)


def _exercise(assignment: Assignment) -> Exercise:
    try:
        return installed_exercise(assignment.exercise_slug)
    except ExerciseError as error:
        raise ApiError(409, f"This exercise is no longer available: {error}") from error


@bp.post("/assignments/<int:assignment_id>/start")
@roles_required(Role.CANDIDATE)
@endpoint(results.Assignment, errors=(400,), reach=queries.own_assignment)
def start_assignment(assignment: Assignment):
    """Start the exercise's time box (candidates, their own assignments)."""
    grading.open_assignment(assignment)
    db.session.commit()
    return results.Assignment.of(assignment)


@bp.post("/assignments/<int:assignment_id>/submissions")
@roles_required(Role.CANDIDATE)
@endpoint(
    results.Submission,
    status=201,
    form=NotebookUpload,
    errors=(409, 413),
    reach=queries.own_assignment,
)
def upload_submission(assignment: Assignment, form: NotebookUpload):
    """Upload a notebook; it is queued for grading."""
    run = uploading.upload_notebook(
        assignment,
        _exercise(assignment),
        form.notebook.filename or "",
        form.notebook.read(current_app.config["MAX_NOTEBOOK_BYTES"] + 1),
        form.ai_disclosure,
        current_app.config,
    )
    db.session.commit()
    return results.Submission.of(run.submission, current_user)


@bp.post("/submissions/<int:submission_id>/regrade")
@roles_required(*RECRUITING)
@endpoint(results.Run, status=201, errors=(409,), reach=queries.visible_submission)
def regrade_submission(submission: Submission):
    """Queue a new grading run of a stored submission."""
    version = _exercise(submission.assignment).version
    run = grading.request_regrade(submission, current_user, version)
    db.session.commit()
    return results.Run.of(run, current_user)


# --- scorecards (the independence rule decides what each interviewer reads) ------------------


@bp.get("/applications/<int:application_id>/scorecards")
@roles_required(*STAFF)
@endpoint(results.ScorecardList, reach=queries.visible_application)
def application_scorecards(application: Application):
    """The scorecards the token's user may read (independence rule)."""
    cards = visible(current_user, effective_scorecards(application))
    return results.ScorecardList(items=[results.Scorecard.of(card) for card in cards])


@bp.get("/scorecards/<int:scorecard_id>")
@roles_required(*STAFF)
@endpoint(results.Scorecard, reach=queries.readable_scorecard)
def get_scorecard(card: Scorecard):
    """One scorecard, if the independence rule lets the token's user read it."""
    return results.Scorecard.of(card)

"""The candidate portal: assigned exercises, brief, starter kit, upload, live grading status."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from app import audit
from app.auth.access import roles_required
from app.commit import run_and_commit
from app.extensions import db
from app.grading import operations, presenters, uploading
from app.grading.exercises import installed_exercise
from app.grading.forms import UploadForm
from app.grading.starter_kit import starter_zip
from app.models import Assignment, Role, Submission, now_utc

bp = Blueprint("portal", __name__, url_prefix="/me")


def _own_assignment(assignment_id: int) -> Assignment:
    """The signed-in candidate's assignment, or 404 (never someone else's)."""
    assignment = db.session.get(Assignment, assignment_id)
    candidate = current_user.candidate
    if (
        assignment is None
        or candidate is None
        or assignment.application.candidate_id != candidate.id
    ):
        abort(404)
    return assignment


def _upload_form(exercise) -> UploadForm:
    form = UploadForm()
    if not exercise.asks_ai_disclosure:
        del form.ai_disclosure
    return form


def _exercise(assignment: Assignment):
    return installed_exercise(assignment.exercise_slug)


@bp.route("")
@roles_required(Role.CANDIDATE)
def home():
    candidate = current_user.candidate
    return render_template(
        "portal/home.html",
        candidate=candidate,
        assignments=presenters.candidate_assignments(candidate) if candidate else [],
    )


@bp.route("/assignments/<int:assignment_id>")
@roles_required(Role.CANDIDATE)
def assignment(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    exercise = _exercise(assignment)
    return render_template(
        "portal/assignment.html",
        assignment=assignment,
        exercise=exercise,
        brief=presenters.brief_html(exercise),
        form=_upload_form(exercise),
        submissions=presenters.candidate_submissions(assignment),
        now=now_utc(),
    )


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@roles_required(Role.CANDIDATE)
def start(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    run_and_commit(lambda: operations.open_assignment(assignment))
    return redirect(url_for("portal.assignment", assignment_id=assignment.id))


@bp.route("/assignments/<int:assignment_id>/starter.zip")
@roles_required(Role.CANDIDATE)
def starter_kit(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    if assignment.opened_at is None:
        abort(403, description="Start the exercise to download its starter kit.")
    exercise = _exercise(assignment)
    folder = operations.variant_folder(assignment, exercise)  # this candidate's own data
    audit.record(
        "starter_kit.downloaded",
        candidate_id=assignment.application.candidate_id,
        target=f"assignment:{assignment.id}",
    )
    db.session.commit()
    return Response(
        starter_zip(folder / "starter", exercise.id),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{exercise.id}-starter.zip"'},
    )


@bp.route("/assignments/<int:assignment_id>/submissions", methods=["POST"])
@roles_required(Role.CANDIDATE)
def upload(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    exercise = _exercise(assignment)
    form = _upload_form(exercise)
    if form.validate_on_submit():
        upload = form.notebook.data
        done = run_and_commit(
            lambda: uploading.upload_notebook(
                assignment,
                exercise,
                upload.filename or "",
                upload.read(current_app.config["MAX_NOTEBOOK_BYTES"] + 1),
                form.ai_disclosure.data if "ai_disclosure" in form else "",
                current_app.config,
            ),
            form=form,
        )
        if done:
            return redirect(url_for("portal.submission", submission_id=done.value.submission_id))
    return (
        render_template(
            "portal/assignment.html",
            assignment=assignment,
            exercise=exercise,
            brief=presenters.brief_html(exercise),
            form=form,
            submissions=presenters.candidate_submissions(assignment),
            now=now_utc(),
        ),
        400,
    )


@bp.route("/submissions/<int:submission_id>")
@roles_required(Role.CANDIDATE)
def submission(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    assignment = _own_assignment(submission.assignment_id)
    return render_template(
        "portal/submission.html",
        submission=submission,
        assignment=assignment,
        status=presenters.candidate_status(submission.runs[-1], current_user),
    )


@bp.route("/submissions/<int:submission_id>/status.json")
@roles_required(Role.CANDIDATE)
def submission_status(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    _own_assignment(submission.assignment_id)
    return jsonify(presenters.candidate_status(submission.runs[-1], current_user))

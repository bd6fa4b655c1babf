"""Staff pages: assign an exercise with its invite, the outbox, review a graded submission."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app import audit
from app.auth import policy
from app.auth.access import roles_required
from app.auth.policy import (
    RECRUITING,
    STAFF,
    application_or_403,
    can_view_application,
    candidate_or_403,
    require,
)
from app.commit import run_and_commit
from app.extensions import db
from app.grading import operations, red_flags
from app.grading.assigning import assign_and_invite
from app.grading.exercises import installed_exercise, installed_exercises
from app.grading.forms import AssignForm
from app.grading.rendering import CSP as NOTEBOOK_CSP
from app.grading.rendering import notebook_html
from app.models import Application, Assignment, GradingRun, OutboxMessage, Submission
from app.scorecards import queries as scorecard_queries

bp = Blueprint("grading", __name__)


def _audit(action: str, submission: Submission, target: str) -> None:
    audit.record(action, candidate_id=submission.assignment.application.candidate_id, target=target)
    db.session.commit()


def _visible_submission(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_application(current_user, submission.assignment.application))
    return submission


@bp.app_template_global("latest_submissions")
def latest_submissions(application: Application) -> list[Submission]:
    """The newest submission of each exercise of an application (links on the interview page)."""
    newest: dict[int, Submission] = {}
    for submission in db.session.scalars(
        select(Submission)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.application_id == application.id)
        .order_by(Submission.id)
    ):
        newest[submission.assignment_id] = submission
    return list(newest.values())


@bp.app_template_global("submission_red_flags")
def submission_red_flags(submission: Submission) -> list[red_flags.FlagEvidence]:
    """The red flags of a submission's newest graded run the viewer may see (the debrief)."""
    return red_flags.latest_run_evidence(current_user, submission)


@bp.route("/candidates/<int:candidate_id>/assign", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def assign(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    exercises = {exercise.id: exercise for exercise in installed_exercises()}
    form = AssignForm()
    form.application.choices = [
        SelectChoice(a.id, a.job.title)
        for a in policy.visible_applications(current_user, candidate)
    ]
    form.exercise.choices = [SelectChoice(slug, e.title) for slug, e in exercises.items()]
    if form.validate_on_submit():
        application = application_or_403(current_user, form.application.data)
        exercise = exercises[form.exercise.data]
        done = run_and_commit(
            lambda: assign_and_invite(
                application,
                exercise,
                current_user,
                timedelta(days=form.open_within_days.data),
                current_app.config,
                lambda token: url_for("auth.redeem_invite", token=token, _external=True),
            ),
            form=form,
        )
        if done:
            return render_template(
                "grading/assigned.html",
                candidate=candidate,
                exercise=exercise,
                assignment=done.value.assignment,
                link=done.value.link,
                message=done.value.message,
            )
    return render_template("grading/assign.html", candidate=candidate, form=form)


@bp.route("/outbox")
@roles_required(*RECRUITING)
def outbox():
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(policy.outbox_filter(current_user))
        .order_by(OutboxMessage.id.desc())
        .limit(200)
    )
    return render_template("grading/outbox.html", messages=messages)


@bp.route("/outbox/<int:message_id>/attachment")
@roles_required(*RECRUITING)
def outbox_attachment(message_id: int):
    """A message's attachment (an .ics invite), as a download, for messages the viewer may see."""
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.id == message_id, policy.outbox_filter(current_user)
        )
    )
    if message is None or message.attachment is None:
        abort(404)
    return Response(
        message.attachment,
        mimetype=message.attachment_type.partition(";")[0] or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{message.attachment_name}"'},
    )


@bp.route("/submissions/<int:submission_id>")
@roles_required(*STAFF)
def review(submission_id: int):
    submission = _visible_submission(submission_id)
    run = submission.runs[-1]
    _audit("submission.reviewed", submission, f"submission:{submission.id}")
    exercise = installed_exercise(submission.assignment.exercise_slug)
    return render_template(
        "grading/review.html",
        submission=submission,
        run=run,
        exercise=exercise,
        dimension_titles=scorecard_queries.dimension_titles(),
        red_flags=red_flags.evidence(current_user, run),
        group_anchor=red_flags.group_anchor,
        test_anchor=red_flags.test_anchor,
        interviews=scorecard_queries.reachable_interviews(
            current_user, submission.assignment.application
        ),
    )


@bp.route("/runs/<int:run_id>/notebook")
@roles_required(*STAFF)
def notebook(run_id: int):
    run = db.get_or_404(GradingRun, run_id)
    submission = _visible_submission(run.submission_id)
    _audit("notebook.viewed", submission, f"run:{run.id}")
    source = run.executed_notebook or run.submission.notebook
    application = submission.assignment.application
    metadata = policy.shows_notebook_metadata(current_user, application)
    body = notebook_html(source, strip_metadata=not metadata)
    page = render_template("grading/notebook_frame.html", body=body, run=run)
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = NOTEBOOK_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/submissions/<int:submission_id>/regrade", methods=["POST"])
@roles_required(*RECRUITING)
def regrade(submission_id: int):
    submission = _visible_submission(submission_id)
    exercise = installed_exercise(submission.assignment.exercise_slug)
    operations.request_regrade(submission, current_user, exercise.version)
    db.session.commit()
    flash("A new grading run is queued.", "success")
    return redirect(url_for("grading.review", submission_id=submission.id))

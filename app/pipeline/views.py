from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth import operations as auth_operations
from app.auth.access import roles_required
from app.errors import DomainError
from app.extensions import db
from app.forms import apply_domain_error
from app.models import Application, Candidate, Job, Role, Stage
from app.pipeline import operations, queries
from app.pipeline.forms import CandidateForm, JobForm, MoveForm

bp = Blueprint("pipeline", __name__)
RECRUITING = (Role.ADMIN, Role.RECRUITER)


@bp.route("/jobs", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def jobs():
    form = JobForm()
    if form.validate_on_submit():
        try:
            job = operations.create_job(form.title.data, current_user, form.department.data or "")
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("pipeline.job", job_id=job.id))
    return render_template("pipeline/jobs.html", jobs=queries.jobs_with_counts(), form=form)


@bp.route("/jobs/<int:job_id>")
@roles_required(*RECRUITING)
def job(job_id: int):
    job = db.get_or_404(Job, job_id)
    return render_template(
        "pipeline/job.html", job=job, by_stage=queries.applications_by_stage(job)
    )


@bp.route("/candidates/new", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def new_candidate():
    form = CandidateForm()
    form.job.choices = [SelectChoice(job.id, job.title) for job, _ in queries.jobs_with_counts()]
    if form.validate_on_submit():
        try:
            candidate = operations.add_candidate(form.name.data, form.email.data, form.source.data)
            operations.apply(candidate, db.get_or_404(Job, form.job.data), current_user)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{candidate.name} added.", "success")
            return redirect(url_for("pipeline.candidate", candidate_id=candidate.id))
    return render_template("pipeline/candidate_new.html", form=form)


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*RECRUITING)
def candidate(candidate_id: int):
    candidate = db.get_or_404(Candidate, candidate_id)
    move_forms = {app.id: _move_form(app) for app in candidate.applications}
    return render_template("pipeline/candidate.html", candidate=candidate, move_forms=move_forms)


@bp.route("/applications/<int:application_id>/move", methods=["POST"])
@roles_required(*RECRUITING)
def move(application_id: int):
    application = db.get_or_404(Application, application_id)
    form = _move_form(application)
    if not form.validate_on_submit():
        flash("Choose a stage to move to.", "error")
    else:
        try:
            operations.move(
                application,
                db.get_or_404(Stage, form.stage.data),
                current_user,
                form.reason.data or "",
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"Moved to {application.stage.name}.", "success")
    return redirect(url_for("pipeline.candidate", candidate_id=application.candidate_id))


@bp.route("/candidates/<int:candidate_id>/invite", methods=["POST"])
@roles_required(*RECRUITING)
def invite(candidate_id: int):
    candidate = db.get_or_404(Candidate, candidate_id)
    try:
        _, token = auth_operations.issue_invite(
            candidate,
            current_user,
            current_app.config["SECRET_KEY"],
            current_app.config["INVITE_MAX_AGE"],
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("pipeline.candidate", candidate_id=candidate.id))
    db.session.commit()
    link = url_for("auth.redeem_invite", token=token, _external=True)
    return render_template("pipeline/invite_link.html", candidate=candidate, link=link)


def _move_form(application: Application) -> MoveForm:
    form = MoveForm(prefix=f"app{application.id}")
    form.stage.choices = [
        SelectChoice(stage.id, stage.name)
        for stage in application.job.stages
        if stage.id != application.stage_id
    ]
    return form

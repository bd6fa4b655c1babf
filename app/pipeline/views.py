from functools import partial
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from app import audit
from app.auth import operations as auth_operations
from app.auth import policy
from app.auth.access import roles_required
from app.auth.policy import (
    RECRUITING,
    application_or_403,
    can_view_candidate,
    candidate_or_403,
    job_or_403,
)
from app.commit import run_and_commit
from app.csv_export import csv_response
from app.errors import DomainError
from app.extensions import db
from app.models import Application, Candidate, Job, Stage
from app.pipeline import board_cache, csv_import, operations, queries
from app.pipeline.forms import (
    BulkMoveForm,
    CandidateForm,
    ImportForm,
    JobForm,
    MoveForm,
    NoteForm,
    RejectForm,
    StaleForm,
    WithdrawForm,
)
from app.search import filters

bp = Blueprint("pipeline", __name__)


@bp.route("/jobs", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def jobs():
    form = JobForm()
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: operations.create_job(
                form.title.data, current_user, form.department.data or ""
            ),
            form=form,
        )
        if done:
            job = done.value
            return redirect(url_for("pipeline.job", job_id=job.id))
    return render_template(
        "pipeline/jobs.html", jobs=queries.jobs_with_counts(current_user), form=form
    )


@bp.route("/jobs/<int:job_id>")
@roles_required(*RECRUITING)
def job(job_id: int):
    job = job_or_403(current_user, job_id)
    chosen = filters.parse(request.args, operations.SOURCES)
    picked = set(request.args.getlist("picked", type=int))
    columns, board_html = [], None
    # The cached columns hold every card field (totals with hidden groups, red flags): only for
    # viewers the policy shows them all, which is every role the board admits today.
    sees_all = policy.shows_hidden_groups(current_user) and policy.shows_red_flags(current_user)
    if chosen.active or picked or not sees_all:
        columns = queries.board(job, chosen=chosen)
    else:  # the common case: the same columns for every viewer, rendered once per change
        board_html = Markup(board_cache.rendered_columns(job, partial(_board_columns, job)))
    return render_template(
        "pipeline/job.html",
        job=job,
        columns=columns,
        board_html=board_html,
        chosen=chosen,
        sources=operations.SOURCES,
        flags=filters.FLAGS,
        move_form=_bulk_move_form(job, url_for("pipeline.job", job_id=job.id)),
        picked=picked,
    )


def _board_columns(job: Job, columns: list[queries.Column]) -> str:
    return render_template("pipeline/_board.html", job=job, columns=columns, picked=set())


@bp.route("/jobs/<int:job_id>/stages/<int:stage_id>")
@roles_required(*RECRUITING)
def stage(job_id: int, stage_id: int):
    job = job_or_403(current_user, job_id)
    stage = db.get_or_404(Stage, stage_id)
    if stage.job_id != job.id:
        return redirect(url_for("pipeline.job", job_id=job.id))
    page = queries.stage_page(job, stage, request.args.get("page", 1, type=int))
    back = url_for("pipeline.stage", job_id=job.id, stage_id=stage.id, page=page.page)
    return render_template(
        "pipeline/stage.html",
        job=job,
        page=page,
        move_form=_bulk_move_form(job, back),
        picked=set(request.args.getlist("picked", type=int)),
    )


@bp.route("/jobs/<int:job_id>/move", methods=["POST"])
@roles_required(*RECRUITING)
def move_many(job_id: int):
    job = job_or_403(current_user, job_id)
    form = _bulk_move_form(job, "")
    back = _safe_back(job, form.back.data)
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return redirect(_with_picks(back, form))
    done = run_and_commit(
        lambda: operations.move_many(
            job,
            form.applications.data or [],
            form.stage.data,
            current_user,
            form.reason.data or "",
            form.details.data or "",
            backwards=form.backwards.data,
        ),
        lambda moved: f"Moved {len(moved)} candidate(s) to {moved[0].to_stage.name}.",
    )
    if done is None:
        return redirect(_with_picks(back, form))
    return redirect(back)


@bp.route("/jobs/<int:job_id>/settings", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def job_settings(job_id: int):
    """The job's settings and team, apart from the board: edited rarely, not on every board view."""
    job = job_or_403(current_user, job_id)
    if request.method == "GET":
        form = StaleForm(stale_after_days=job.stale_after_days)
        return render_template("pipeline/job_settings.html", job=job, stale_form=form)
    form = StaleForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    else:
        run_and_commit(
            lambda: operations.set_stale_after_days(job, form.stale_after_days.data),
            lambda _: f"Candidates are flagged after {job.stale_after_days} days in a stage.",
        )
    return redirect(url_for("pipeline.job_settings", job_id=job.id))


@bp.route("/jobs/<int:job_id>/import", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def import_candidates(job_id: int):
    job = job_or_403(current_user, job_id)
    form = ImportForm()
    row_errors: list[csv_import.RowError] = []
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: csv_import.import_candidates(
                job, form.file.data.read(), current_user, form.skip_invalid.data
            ),
            form=form,
            on_error=lambda error: row_errors.extend(getattr(error, "errors", [])),
        )
        if done:
            return render_template("pipeline/import_done.html", job=job, report=done.value)
    return render_template(
        "pipeline/import.html",
        job=job,
        form=form,
        row_errors=row_errors,
        sources=operations.SOURCES,
    )


@bp.route("/jobs/<int:job_id>/candidates.csv")
@roles_required(*RECRUITING)
def job_candidates_csv(job_id: int):
    job = job_or_403(current_user, job_id)
    audit.record("export.csv", target=f"job:{job.id}", detail="candidates.csv")
    db.session.commit()
    return csv_response(
        f"job-{job.id}-candidates.csv",
        ("name", "email", "source", "stage", "applied_at", "stage_entered_at"),
        queries.job_candidates_rows(job),
    )


@bp.route("/candidates/new", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def new_candidate():
    form = CandidateForm()
    form.job.choices = [
        SelectChoice(job.id, job.title) for job, _ in queries.jobs_with_counts(current_user)
    ]
    existing: list[Candidate] = []
    if form.validate_on_submit():
        job = job_or_403(current_user, form.job.data)
        done = run_and_commit(
            lambda: operations.add_candidate_to_job(
                form.name.data, form.email.data, form.source.data, job, current_user
            ),
            lambda candidate: f"{candidate.name} added.",
            form=form,
            on_error=lambda error: existing.extend(_visible_duplicate(error)),
        )
        if done:
            return redirect(url_for("pipeline.candidate", candidate_id=done.value.id))
    return render_template(
        "pipeline/candidate_new.html", form=form, existing=existing[0] if existing else None
    )


def _visible_duplicate(error: DomainError) -> list[Candidate]:
    """The existing record a refused add collided with, when the recruiter may open it."""
    existing_id = getattr(error, "existing_id", None)
    candidate = db.session.get(Candidate, existing_id) if existing_id else None
    if candidate is not None and can_view_candidate(current_user, candidate):
        return [candidate]
    return []


@bp.route("/candidates/<int:candidate_id>")
@roles_required(*RECRUITING)
def candidate(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    # Only the applications the viewer may see: never other recruiters' jobs (the policy decides).
    applications = policy.visible_applications(current_user, candidate)
    application_ids = [application.id for application in applications]
    page = render_template(
        "pipeline/candidate.html",
        candidate=candidate,
        applications=applications,
        move_forms={app.id: _move_form(app) for app in applications},
        reject_forms={app.id: RejectForm(prefix=f"reject{app.id}") for app in applications},
        withdraw_forms={app.id: WithdrawForm(prefix=f"withdraw{app.id}") for app in applications},
        submissions=queries.submissions_with_scores(application_ids),
        notes=queries.notes(candidate),
        note_form=NoteForm(),
    )
    # Recorded after rendering: a commit expires every loaded row, which the page would reload.
    # The page leaves only once the view is on the record.
    audit.record("candidate.viewed", candidate_id=candidate.id, target=f"candidate:{candidate.id}")
    db.session.commit()
    return page


@bp.route("/applications/<int:application_id>/move", methods=["POST"])
@roles_required(*RECRUITING)
def move(application_id: int):
    application = application_or_403(current_user, application_id)
    form = _move_form(application)
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    else:
        _flash_move(
            lambda: operations.move_many(
                application.job,
                [application.id],
                form.stage.data,
                current_user,
                form.reason.data or "",
                form.details.data or "",
                backwards=form.backwards.data,
            )
        )
    return redirect(url_for("pipeline.candidate", candidate_id=application.candidate_id))


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
@roles_required(*RECRUITING)
def reject(application_id: int):
    return _close(application_id, RejectForm, "reject", operations.reject)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(*RECRUITING)
def withdraw(application_id: int):
    return _close(application_id, WithdrawForm, "withdraw", operations.withdraw)


def _close(application_id: int, form_class, prefix: str, close_operation):
    """Reject or withdraw one application with a listed reason and optional details."""
    application = application_or_403(current_user, application_id)
    form = form_class(prefix=f"{prefix}{application.id}")
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    else:
        _flash_move(
            lambda: [
                close_operation(
                    application, form.reason.data, form.details.data or "", current_user
                )
            ]
        )
    return redirect(url_for("pipeline.candidate", candidate_id=application.candidate_id))


@bp.route("/candidates/<int:candidate_id>/notes", methods=["POST"])
@roles_required(*RECRUITING)
def add_note(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    else:
        run_and_commit(
            lambda: operations.add_note(candidate, current_user, form.body.data), "Note added."
        )
    return redirect(url_for("pipeline.candidate", candidate_id=candidate.id, _anchor="notes"))


@bp.route("/candidates/<int:candidate_id>/invite", methods=["POST"])
@roles_required(*RECRUITING)
def invite(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    done = run_and_commit(
        lambda: auth_operations.invite_candidate(candidate, current_user, current_app.config)
    )
    if done is None:
        return redirect(url_for("pipeline.candidate", candidate_id=candidate.id))
    link = url_for("auth.redeem_invite", token=done.value, _external=True)
    return render_template("pipeline/invite_link.html", candidate=candidate, link=link)


def _flash_move(do_move) -> None:
    run_and_commit(do_move, lambda moved: f"Moved to {moved[0].to_stage.name}.")


def _first_error(form) -> str:
    for field in form:
        for error in field.errors:
            return str(error)
    return "Check the form and try again."


def _move_form(application: Application) -> MoveForm:
    """Proposes the next stage; an earlier one must be chosen and confirmed (`backwards`)."""
    following = operations.following_stage(application)
    form = MoveForm(prefix=f"app{application.id}")
    if not form.is_submitted():
        form.stage.data = following.id if following else 0
    form.stage.choices = [SelectChoice(0, "Choose a stage…")] + [
        SelectChoice(stage.id, stage.name)
        for stage in application.job.stages
        if stage.id != application.stage_id
    ]
    return form


def _with_picks(back: str, form: BulkMoveForm) -> str:
    """After a refused bulk move, return with the same candidates ticked and stage chosen."""
    query = urlencode(
        [("picked", i) for i in (form.applications.data or [])] + [("to", form.stage.data or 0)],
    )
    return f"{back}{'&' if '?' in back else '?'}{query}"


def _bulk_move_form(job: Job, back: str) -> BulkMoveForm:
    form = BulkMoveForm(back=back)
    if not form.is_submitted():
        form.stage.data = request.args.get("to", 0, type=int)
    form.stage.choices = [SelectChoice(0, "Choose a stage…")] + [
        SelectChoice(stage.id, stage.name) for stage in job.stages
    ]
    return form


def _safe_back(job: Job, back: str | None) -> str:
    """Return to the board or a stage list of this job, never anywhere else. Control characters
    (a CR/LF would split the Location header) are the client's error: 400."""
    if back and any(ord(character) < 32 or ord(character) == 127 for character in back):
        abort(400, description="The return address contains control characters.")
    prefix = url_for("pipeline.job", job_id=job.id)
    if back and (back == prefix or back.startswith(prefix + "/stages/")) and "//" not in back:
        return back
    return prefix

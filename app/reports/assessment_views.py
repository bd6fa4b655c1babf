"""Assessment reports: item analysis, rater agreement and the predictive check per exercise
version; adverse impact per job. Thin: parse, check access, call the report, render or CSV."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.auth.access import roles_required
from app.auth.policy import job_or_403, require
from app.commit import run_and_commit
from app.csv_export import csv_response
from app.extensions import db
from app.grading.exercises import SLUG, ExerciseError, installed_exercise
from app.models import Job, Role, User
from app.reports import adverse_impact, assessment_tables, operations, self_id
from app.reports.agreement import agreement
from app.reports.item_analysis import item_analysis
from app.reports.observations import (
    Scope,
    exercise_versions,
    may_read_demographic_reports,
    scope_jobs,
)
from app.reports.prediction import prediction
from app.reports.report_cache import cached, viewer_key

bp = Blueprint("assessment", __name__, url_prefix="/reports")
RECRUITING = (Role.ADMIN, Role.RECRUITER)


@bp.app_context_processor
def demographic_permission() -> dict[str, object]:
    """Lets templates hide links to reports the viewer may not read."""
    return {"may_read_demographic_reports": may_read_demographic_reports}


def _scope(slug: str, version: str) -> Scope:
    # The version is matched as text: an exercise version is not an object id (and an
    # out-of-range number must be a 404, not a database error).
    if not SLUG.match(slug) or not version.isdigit() or not 0 < int(version) < 10**6:
        abort(404)
    job_id = request.args.get("job", type=int)
    if job_id is not None:
        job_or_403(current_user, job_id)
    return Scope(slug, int(version), current_user, job_id)


def _title(slug: str) -> str:
    try:
        return installed_exercise(slug).title
    except ExerciseError:
        return slug


@bp.route("/exercises")
@roles_required(*RECRUITING)
def exercises():
    versions = [
        (slug, _title(slug), version, n) for slug, version, n in exercise_versions(current_user)
    ]
    return render_template("reports/exercises.html", versions=versions)


def _exercise_reports(scope: Scope):  # type: ignore[no-untyped-def]
    key = ("exercise", scope.exercise, scope.version, scope.job_id, viewer_key(scope.viewer))
    return cached(
        key, scope_jobs(scope), lambda: (item_analysis(scope), agreement(scope), prediction(scope))
    )


@bp.route("/exercises/<slug>/v<version>")
@roles_required(*RECRUITING)
def exercise(slug: str, version: str):
    scope = _scope(slug, version)
    items, agreement_rows, prediction_rows = _exercise_reports(scope)
    return render_template(
        "reports/exercise.html",
        scope=scope,
        title=_title(slug),
        items=items,
        agreement=agreement_rows,
        prediction=prediction_rows,
        chart=assessment_tables.item_chart(items),
    )


EXERCISE_TABLES = {
    "items": lambda reports: assessment_tables.items_table(reports[0]),
    "agreement": lambda reports: assessment_tables.agreement_table(reports[1]),
    "prediction": lambda reports: assessment_tables.prediction_table(reports[2]),
}


@bp.route("/exercises/<slug>/v<version>/<table>.csv")
@roles_required(*RECRUITING)
def exercise_csv(slug: str, version: str, table: str):
    scope = _scope(slug, version)
    build = EXERCISE_TABLES.get(table)
    if build is None:
        abort(404)
    header, rows = build(_exercise_reports(scope))
    label = f"{slug}-v{scope.version}"
    audit.record("export.csv", target=f"exercise:{label}", detail=f"{table}.csv")
    db.session.commit()
    suffix = f"-job-{scope.job_id}" if scope.job_id else ""
    return csv_response(f"exercise-{label}{suffix}-{table}.csv", header, rows)


def _impact(job_id: int):  # type: ignore[no-untyped-def]
    job = job_or_403(current_user, job_id)
    require(may_read_demographic_reports(current_user))

    def compute():  # type: ignore[no-untyped-def]
        questions = self_id.questions()
        cutoffs = [
            (
                slug,
                version,
                adverse_impact.by_cutoff(Scope(slug, version, current_user, job.id), questions),
            )
            for slug, version, _ in exercise_versions(current_user, job.id)
        ]
        return adverse_impact.by_stage(job, questions), cutoffs

    key = ("impact", job.id, viewer_key(current_user))
    stages, cutoffs = cached(key, select(Job.id).where(Job.id == job.id), compute)
    return job, stages, cutoffs


@bp.route("/jobs/<int:job_id>/adverse-impact")
@roles_required(*RECRUITING)
def impact(job_id: int):
    job, stages, cutoffs = _impact(job_id)
    audit.record("report.adverse_impact", target=f"job:{job.id}")
    db.session.commit()
    return render_template(
        "reports/adverse_impact.html",
        job=job,
        stages=stages,
        cutoffs=cutoffs,
        chart=assessment_tables.impact_chart(stages),
        four_fifths=adverse_impact.FOUR_FIFTHS,
        min_group=adverse_impact.MIN_GROUP,
    )


@bp.route("/jobs/<int:job_id>/adverse-impact/<table>.csv")
@roles_required(*RECRUITING)
def impact_csv(job_id: int, table: str):
    if table not in ("stages", "cutoffs"):
        abort(404)
    job, stages, cutoffs = _impact(job_id)
    if table == "stages":
        header, rows = assessment_tables.comparisons_table(stages)
    else:
        header, rows = ["exercise", "version"], []
        for slug, version, comparisons in cutoffs:
            inner_header, inner_rows = assessment_tables.comparisons_table(comparisons)
            header = ["exercise", "version", *inner_header]
            rows += [[slug, version, *row] for row in inner_rows]
    audit.record("export.csv", target=f"job:{job.id}", detail=f"adverse-impact {table}.csv")
    db.session.commit()
    return csv_response(f"adverse-impact-job-{job.id}-{table}.csv", header, rows)


@bp.route("/demographic-access", methods=["POST"])
@roles_required(Role.ADMIN)
def demographic_access():
    user_id = request.form.get("user_id", type=int)
    user = db.session.get(User, user_id) if user_id and 0 < user_id < 2**31 else None
    if user is None:
        flash("Choose a recruiter from the list.", "error")
        return redirect(url_for("admin.users"))
    allowed = request.form.get("allowed") == "1"
    verb = "may now read" if allowed else "no longer reads"
    run_and_commit(
        lambda: operations.set_demographic_access(user, allowed, current_user),
        f"{user.name} {verb} the adverse-impact reports.",
    )
    return redirect(url_for("admin.users"))

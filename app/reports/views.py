from functools import partial

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from app import audit
from app.auth.access import roles_required
from app.auth.policy import RECRUITING, job_or_403
from app.csv_export import csv_response
from app.extensions import db
from app.models import Job, now_utc
from app.reports import funnel as funnel_queries
from app.reports.forms import FunnelFilterForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _filters(job: Job) -> tuple[FunnelFilterForm, funnel_queries.Window, str | None]:
    form = FunnelFilterForm(request.args)
    form.validate()
    start, end = form.window_dates(now_utc().date())
    source = form.source.data if not form.source.errors else None
    return form, funnel_queries.Window(start, end), source or None


def _funnel(job: Job) -> tuple[FunnelFilterForm, funnel_queries.Funnel]:
    form, window, source = _filters(job)
    return form, funnel_queries.cached_funnel(job, window, source)


@bp.route("/jobs/<int:job_id>/funnel")
@roles_required(*RECRUITING)
def funnel(job_id: int):
    job = job_or_403(current_user, job_id)
    form, window, source = _filters(job)
    args = request.args.to_dict()
    report = funnel_queries.rendered_funnel(
        job, window, source, partial(_report, job, args), tuple(sorted(args.items()))
    )
    return render_template("reports/funnel.html", job=job, form=form, report=Markup(report))


def _report(job: Job, args: dict[str, str], result: funnel_queries.Funnel) -> str:
    return render_template(
        "reports/_funnel_report.html",
        job=job,
        funnel=result,
        chart=funnel_queries.chart_data(result),
        args=args,
    )


@bp.route("/jobs/<int:job_id>/funnel/<table>.csv")
@roles_required(*RECRUITING)
def funnel_csv(job_id: int, table: str):
    job = job_or_403(current_user, job_id)
    build = funnel_queries.TABLES.get(table)
    if build is None:
        abort(404)
    _, result = _funnel(job)
    audit.record("export.csv", target=f"job:{job.id}", detail=f"funnel {table}.csv")
    db.session.commit()
    header, rows = build(result)
    window = result.window
    return csv_response(
        f"funnel-job-{job.id}-{table}-{window.start}-to-{window.end}.csv", header, rows
    )

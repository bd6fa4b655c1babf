"""Recruiters move or cancel an interview; everyone invited gets the calendar update."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.policy import interview_or_403
from app.commit import run_and_commit
from app.models import Interview, Role
from app.scorecards import scheduling
from app.scorecards.forms import CancelInterviewForm, RescheduleForm
from app.timezones import from_local, to_local_naive

bp = Blueprint("scheduling", __name__)
RECRUITING = (Role.ADMIN, Role.RECRUITER)


@bp.app_template_global("reschedule_forms")
def reschedule_forms(interview: Interview) -> dict[str, object]:
    """The interview page's move and cancel forms, prefilled in the viewer's time zone."""
    return {
        "reschedule": RescheduleForm(
            scheduled_at=to_local_naive(interview.scheduled_at, current_user.time_zone),
            duration_minutes=interview.duration_minutes,
            location=interview.location,
            video_url=interview.video_url,
        ),
        "cancel": CancelInterviewForm(),
    }


def _back(interview: Interview):
    return redirect(url_for("scorecards.interview", interview_id=interview.id))


@bp.route("/interviews/<int:interview_id>/reschedule", methods=["POST"])
@roles_required(*RECRUITING)
def reschedule(interview_id: int):
    interview = interview_or_403(current_user, interview_id)
    form = RescheduleForm()
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return _back(interview)
    return _change(
        interview,
        lambda: scheduling.reschedule(
            interview,
            from_local(form.scheduled_at.data, current_user.time_zone),
            form.duration_minutes.data,
            form.location.data or "",
            form.video_url.data or "",
            current_app.config,
        ),
        "Interview moved; the calendar update is in the outbox.",
    )


@bp.route("/interviews/<int:interview_id>/cancel", methods=["POST"])
@roles_required(*RECRUITING)
def cancel(interview_id: int):
    interview = interview_or_403(current_user, interview_id)
    if not CancelInterviewForm().validate_on_submit():
        flash("The form expired; reload the page and try again.", "error")
        return _back(interview)
    return _change(
        interview,
        lambda: scheduling.cancel(interview, current_user, current_app.config),
        "Interview cancelled; everyone invited gets a cancellation.",
    )


def _change(interview: Interview, operation, done: str):
    """Run one scheduling operation: commit and say `done`, or roll back and say why not."""
    run_and_commit(
        lambda: operation(),
        done,
    )
    return _back(interview)

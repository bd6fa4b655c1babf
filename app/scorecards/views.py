"""Interviews, scorecards, debriefs and the calibration report. Thin: parse, call, commit, render.

Object-level access follows app/auth/independence.py; every route also declares its roles.
"""

from __future__ import annotations

from flask import (
    Blueprint,
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
from app.auth import blind, independence
from app.auth.access import roles_required
from app.auth.policy import (
    RECRUITING,
    application_or_403,
    can_view_application,
    interview_or_403,
    require,
)
from app.commit import run_and_commit
from app.csv_export import csv_response
from app.extensions import db
from app.grading.queries import evidence_by_dimension
from app.models import (
    STAFF_ROLES,
    Application,
    Interview,
    Role,
    Scorecard,
    Stage,
    User,
    now_utc,
)
from app.reports import calibration as calibration_report
from app.scorecards import operations, queries
from app.scorecards.catalog import catalog
from app.scorecards.export import HEADER, scorecard_rows
from app.scorecards.forms import AmendForm, DecisionForm, ScheduleForm, scorecard_form
from app.scorecards.rubrics import Rubric
from app.scorecards.source import RubricError
from app.timezones import from_local

bp = Blueprint("scorecards", __name__)


@bp.errorhandler(RubricError)
def broken_rubric(error: RubricError):
    """A malformed rubric or kit file: say which file and line, and what to do."""
    current_app.logger.error("rubric files invalid: %s", error)
    message = f"{error} Fix the file (check it with `flask scorecards check`) and reload."
    return render_template(
        "error.html", code=500, title="Rubric files are invalid", message=message
    ), 500


@bp.app_template_global("application_interviews")
def application_interviews(application: Application) -> list[Interview]:
    """For the candidate page's interviews block (templates/scorecards/_candidate_application)."""
    return queries.application_interviews(application)


def _interview_or_403(interview_id: int) -> Interview:
    return interview_or_403(current_user, interview_id)


# --- scheduling (recruiters) -------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/interviews/new", methods=["GET", "POST"])
@roles_required(*RECRUITING)
def schedule(application_id: int):
    application = application_or_403(current_user, application_id)
    kits = catalog().kits
    form = ScheduleForm()
    form.kit.choices = [SelectChoice(kit.id, kit.title) for kit in kits.values()]
    form.stage.choices = [
        SelectChoice(stage.id, stage.name)
        for stage in application.job.stages
        if not stage.kind.is_terminal
    ]
    staff = db.session.scalars(
        select(User).where(User.role == Role.INTERVIEWER, User.active).order_by(User.name)
    ).all()
    form.interviewers.choices = [SelectChoice(user.id, user.name) for user in staff]
    if not form.is_submitted():
        form.stage.data = application.stage_id
    if form.validate_on_submit():
        by_id = {user.id: user for user in staff}
        done = run_and_commit(
            lambda: operations.schedule_interview(
                application,
                db.get_or_404(Stage, form.stage.data),
                kits[form.kit.data],
                [by_id[user_id] for user_id in form.interviewers.data or []],
                from_local(form.scheduled_at.data, current_user.time_zone),
                current_user,
                form.duration_minutes.data,
                form.location.data or "",
                form.video_url.data or "",
                invite_with=current_app.config,
            ),
            lambda interview: f"{interview.kit_title} scheduled; invites (.ics) are in the outbox.",
            form=form,
        )
        if done:
            return redirect(url_for("scorecards.interview", interview_id=done.value.id))
    return render_template("scorecards/schedule.html", application=application, form=form)


@bp.route("/interviews")
@roles_required(*RECRUITING)
def interviews():
    now = now_utc()
    return render_template(
        "scorecards/interviews.html",
        upcoming=queries.upcoming(now, current_user),
        overdue=queries.overdue(now, queries.overdue_hours(), recruiter=current_user),
        hours=queries.overdue_hours(),
    )


# --- an interview and its scorecards (panel members; recruiters read) ---------------------------


@bp.route("/interviews/<int:interview_id>")
@roles_required(*STAFF_ROLES)
def interview(interview_id: int):
    interview = _interview_or_403(interview_id)
    mine = operations.latest_version(interview, current_user)
    rubric, kit = queries.rubric_and_kit(interview, mine)
    return render_template(
        "scorecards/interview.html",
        interview=interview,
        kit=kit,
        rubric=rubric,
        mine=mine,
        on_panel=independence.on_panel(current_user, interview),
        evidence=evidence_by_dimension(interview.application),
    )


@bp.route("/interviews/<int:interview_id>/scorecard", methods=["GET", "POST"])
@roles_required(Role.INTERVIEWER)
def fill(interview_id: int):
    interview = _interview_or_403(interview_id)
    if not independence.on_panel(current_user, interview):
        abort(403)
    latest = operations.latest_version(interview, current_user)
    if latest is not None and latest.is_submitted:
        return redirect(url_for("scorecards.scorecard", scorecard_id=latest.id))
    rubric, kit = queries.rubric_and_kit(interview, latest)
    form = scorecard_form(rubric, kit, latest)
    if form.validate_on_submit():
        final = bool(form["submit"].data)
        write = operations.submit if final else operations.save_draft
        done = run_and_commit(
            lambda: write(interview, current_user, form.to_input(), rubric, kit),
            "Scorecard submitted." if final else "Draft saved.",
            form=form,
        )
        if done and final:
            return redirect(url_for("scorecards.scorecard", scorecard_id=done.value.id))
        if done:
            return redirect(url_for("scorecards.fill", interview_id=interview.id))
    return render_template(
        "scorecards/fill.html",
        interview=interview,
        form=form,
        rubric=rubric,
        kit=kit,
        draft=latest,
        evidence=evidence_by_dimension(interview.application),
        not_started=interview.scheduled_at > now_utc(),
    )


@bp.route("/scorecards/<int:scorecard_id>")
@roles_required(*STAFF_ROLES)
def scorecard(scorecard_id: int):
    card = db.get_or_404(Scorecard, scorecard_id)
    if current_user.role is not Role.INTERVIEWER:  # interviewers: the independence rule below
        require(can_view_application(current_user, card.application))
    if not independence.may_read_scorecard(current_user, card):
        return _hidden(card)
    audit.record(
        "scorecard.viewed",
        candidate_id=card.application.candidate_id,
        target=f"scorecard:{card.id}",
    )
    db.session.commit()
    versions = queries.history(card.interview_id, card.interviewer_id)
    if card.interviewer_id != current_user.id:
        versions = independence.visible(current_user, versions)
    amend_form = AmendForm() if card.interviewer_id == current_user.id else None
    return render_template(
        "scorecards/scorecard.html",
        card=card,
        rubric=Rubric.from_snapshot(card.rubric_snapshot),
        versions=versions,
        amend_form=amend_form,
    )


def _hidden(card: Scorecard):
    unscored = independence.unscored_interviews(current_user, card.application.candidate_id)
    return render_template("scorecards/hidden.html", unscored=unscored), 403


@bp.route("/scorecards/<int:scorecard_id>/amend", methods=["POST"])
@roles_required(Role.INTERVIEWER)
def amend(scorecard_id: int):
    card = db.get_or_404(Scorecard, scorecard_id)
    if card.interviewer_id != current_user.id:
        abort(403)
    form = AmendForm()
    if not form.validate_on_submit():
        flash("Say why you amend the scorecard.", "error")
        return redirect(url_for("scorecards.scorecard", scorecard_id=card.id))
    done = run_and_commit(
        lambda: operations.amend(card, current_user, form.reason.data),
        "Amendment opened as a new draft version.",
    )
    if done is None:
        return redirect(url_for("scorecards.scorecard", scorecard_id=card.id))
    return redirect(url_for("scorecards.fill", interview_id=card.interview_id))


# --- debrief --------------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/debrief")
@roles_required(*RECRUITING)
def debrief(application_id: int):
    application = application_or_403(current_user, application_id)
    return _render_debrief(application, DecisionForm())


@bp.route("/interviews/<int:interview_id>/debrief")
@roles_required(*STAFF_ROLES)
def interview_debrief(interview_id: int):
    """The debrief as an interviewer reaches it: from an interview they sat on."""
    interview = _interview_or_403(interview_id)
    if independence.sees_all(current_user):
        return redirect(url_for("scorecards.debrief", application_id=interview.application_id))
    return _render_debrief(interview.application, None, interview)


def _render_debrief(
    application: Application, form: DecisionForm | None, interview: Interview | None = None
):
    return render_template(
        "scorecards/debrief.html",
        debrief=queries.debrief(application, current_user),
        form=form,
        interview=interview,
        interviews=queries.application_interviews(application),
    )


@bp.route("/applications/<int:application_id>/decision", methods=["POST"])
@roles_required(*RECRUITING)
def decide(application_id: int):
    application = application_or_403(current_user, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: operations.decide(
                application,
                form.decision.data == "advance",
                form.reason.data or "",
                form.details.data or "",
                current_user,
            ),
            lambda _: f"Moved to {application.stage.name}.",
            form=form,
        )
        if done:
            return redirect(url_for("scorecards.debrief", application_id=application.id))
    return _render_debrief(application, form), 400 if form.is_submitted() else 200


# --- exports --------------------------------------------------------------------------------


@bp.route("/applications/<int:application_id>/scorecards.csv")
@roles_required(*RECRUITING)
def application_csv(application_id: int):
    application = application_or_403(current_user, application_id)
    cards = queries.effective_scorecards(application)
    audit.record(
        "export.csv", candidate_id=application.candidate_id, target=f"application:{application.id}"
    )
    db.session.commit()
    return csv_response(
        f"scorecards-application-{application.id}.csv", HEADER, scorecard_rows(cards)
    )


@bp.route("/interviews/<int:interview_id>/scorecards.csv")
@roles_required(*STAFF_ROLES)
def interview_csv(interview_id: int):
    """The application's scorecards this user may read (their own until they submitted)."""
    interview = _interview_or_403(interview_id)
    cards = independence.visible(current_user, queries.effective_scorecards(interview.application))
    application = interview.application
    audit.record(
        "export.csv", candidate_id=application.candidate_id, target=f"interview:{interview.id}"
    )
    db.session.commit()
    rows = scorecard_rows(cards, candidate_name=blind.candidate_label(application))
    return csv_response(f"scorecards-interview-{interview.id}.csv", HEADER, rows)


# --- calibration report -----------------------------------------------------------------------


@bp.route("/reports/calibration")
@roles_required(*RECRUITING)
def calibration():
    return render_template("reports/calibration.html", report=calibration_report.calibration())


@bp.route("/reports/calibration.csv")
@roles_required(*RECRUITING)
def calibration_csv():
    report = calibration_report.calibration()
    return csv_response(
        "calibration.csv",
        calibration_report.csv_header(report),
        calibration_report.csv_rows(report),
    )

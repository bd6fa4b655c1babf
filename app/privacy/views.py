"""Privacy pages: the audit log, erasure, invite revocation, blind review and job teams."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.auth import blind, policy
from app.auth.access import roles_required
from app.auth.policy import RECRUITING, candidate_or_403, job_or_403, require
from app.commit import run_and_commit
from app.extensions import db
from app.models import Candidate, Invite, Job, JobMember, Role
from app.privacy import erasure, operations
from app.privacy.forms import BlindReviewForm, EraseForm, RevokeForm, TeamForm
from app.security import MAX_ID

bp = Blueprint("privacy", __name__)

bp.add_app_template_global(blind.candidate_label, "candidate_label")
bp.add_app_template_global(blind.submission_filename, "submission_filename")


@bp.app_template_global("candidate_privacy")
def candidate_privacy(candidate: Candidate) -> dict[str, object]:
    """For the candidate page's privacy block (templates/privacy/_candidate.html)."""
    return {
        "invites": [(i, operations.invite_state(i)) for i in operations.invites_of(candidate)],
        "revoke_form": RevokeForm(),
        "erase_form": EraseForm() if current_user.role is Role.ADMIN else None,
    }


@bp.app_template_global("job_privacy")
def job_privacy(job: Job) -> dict[str, object]:
    """For the job settings page's privacy block (templates/privacy/_job.html)."""
    return {
        "blind_form": BlindReviewForm(enabled=job.blind_review),
        "team_form": TeamForm(),
        "remove_form": RevokeForm(),
        "team": operations.team_of(job),
    }


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log():
    require(policy.can_read_audit_log(current_user))
    candidate_id = request.args.get("candidate", type=int)
    if candidate_id is not None and not 0 < candidate_id <= MAX_ID:
        candidate_id = 0  # no such candidate: an empty log, not an overflow
    return render_template(
        "privacy/audit.html",
        events=audit.events(candidate_id),
        candidate_id=candidate_id,
        actions=audit.ACTIONS,
    )


@bp.route("/candidates/<int:candidate_id>/erase", methods=["POST"])
@roles_required(Role.ADMIN)
def erase(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    form = EraseForm()
    if not form.validate_on_submit():
        flash(form.confirm.errors[0] if form.confirm.errors else "Confirm the erasure.", "error")
        return redirect(url_for("pipeline.candidate", candidate_id=candidate.id))
    run_and_commit(
        lambda: erasure.erase_candidate(candidate, current_user),
        "The candidate's personal data is erased; anonymous counts remain.",
    )
    return redirect(url_for("pipeline.candidate", candidate_id=candidate_id))


@bp.route("/invites/<int:invite_id>/revoke", methods=["POST"])
@roles_required(*RECRUITING)
def revoke_invite(invite_id: int):
    invite = db.get_or_404(Invite, invite_id)
    candidate_or_403(current_user, invite.candidate_id)
    if not RevokeForm().validate_on_submit():
        flash("The form expired; reload the page and try again.", "error")
    else:
        run_and_commit(
            lambda: operations.revoke(invite, current_user),
            "Invite link revoked: it no longer signs the candidate in.",
        )
    return redirect(url_for("pipeline.candidate", candidate_id=invite.candidate_id))


@bp.route("/jobs/<int:job_id>/blind-review", methods=["POST"])
@roles_required(*RECRUITING)
def blind_review(job_id: int):
    job = job_or_403(current_user, job_id)
    form = BlindReviewForm()
    if form.validate_on_submit():
        operations.set_blind_review(job, bool(form.enabled.data), current_user)
        db.session.commit()
        state = "on" if job.blind_review else "off"
        flash(f"Blind review is {state} for {job.title}.", "success")
    else:
        flash("The form expired; reload the page and try again.", "error")
    return redirect(url_for("pipeline.job_settings", job_id=job.id))


@bp.route("/jobs/<int:job_id>/team", methods=["POST"])
@roles_required(*RECRUITING)
def add_to_team(job_id: int):
    job = job_or_403(current_user, job_id)
    form = TeamForm()
    if not form.validate_on_submit():
        flash(next(iter(form.email.errors), "Give a recruiter's email."), "error")
    else:
        run_and_commit(
            lambda: operations.add_team_member(job, form.email.data, current_user),
            lambda user: f"{user.name} now works on {job.title}.",
        )
    return redirect(url_for("pipeline.job_settings", job_id=job.id))


@bp.route("/jobs/<int:job_id>/team/<int:member_id>/remove", methods=["POST"])
@roles_required(*RECRUITING)
def remove_from_team(job_id: int, member_id: int):
    job = job_or_403(current_user, job_id)
    member = db.get_or_404(JobMember, member_id)
    if member.job_id != job.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        name = member.user.name
        operations.remove_team_member(member, current_user)
        db.session.commit()
        flash(f"{name} no longer works on {job.title}.", "success")
    else:
        flash("The form expired; reload the page and try again.", "error")
    return redirect(url_for("pipeline.job_settings", job_id=job.id))

"""Candidate profile edits, résumé upload and download (recruiters of the candidate's jobs)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app import audit
from app.auth.access import roles_required
from app.auth.policy import candidate_or_403
from app.commit import run_and_commit
from app.extensions import db
from app.models import Role
from app.profiles import operations

bp = Blueprint("profiles", __name__)
RECRUITING = (Role.ADMIN, Role.RECRUITER)


class ProfileForm(FlaskForm):
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    links = TextAreaField("Links (one per line)", validators=[Optional(), Length(max=6000)])
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save profile")


class ResumeForm(FlaskForm):
    resume = FileField("Résumé (PDF)", validators=[FileRequired("Choose a PDF file to upload.")])
    submit = SubmitField("Upload résumé")


@bp.app_template_global("profile_forms")
def profile_forms(candidate) -> dict[str, FlaskForm]:
    """The candidate page's profile and résumé forms, prefilled."""
    return {
        "profile_form": ProfileForm(
            prefix="profile",
            phone=candidate.phone,
            location=candidate.location,
            links=candidate.links,
            tags=candidate.tags,
        ),
        "resume_form": ResumeForm(prefix="resume"),
    }


def _back(candidate_id: int):
    return redirect(url_for("pipeline.candidate", candidate_id=candidate_id, _anchor="profile"))


def _flash_form_errors(form: FlaskForm) -> None:
    for field in form:
        for error in field.errors:
            flash(str(error), "error")


@bp.route("/candidates/<int:candidate_id>/profile", methods=["POST"])
@roles_required(*RECRUITING)
def update(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back(candidate.id)
    run_and_commit(
        lambda: operations.update_profile(
            candidate,
            form.phone.data or "",
            form.location.data or "",
            form.links.data or "",
            form.tags.data or "",
        ),
        "Profile saved.",
    )
    return _back(candidate.id)


@bp.route("/candidates/<int:candidate_id>/resume", methods=["POST"])
@roles_required(*RECRUITING)
def upload_resume(candidate_id: int):
    candidate = candidate_or_403(current_user, candidate_id)
    form = ResumeForm(prefix="resume")
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back(candidate.id)
    limit = current_app.config["MAX_RESUME_BYTES"]
    upload = form.resume.data
    run_and_commit(
        lambda: operations.upload_resume(candidate, upload.filename, upload.read(limit + 1), limit),
        "Résumé uploaded.",
    )
    return _back(candidate.id)


@bp.route("/candidates/<int:candidate_id>/resume.pdf")
@roles_required(*RECRUITING)
def download_resume(candidate_id: int):
    """Always a download, never shown inline: a PDF's scripts and forms never run in HireLab."""
    candidate = candidate_or_403(current_user, candidate_id)
    if candidate.resume is None:
        flash("No résumé uploaded yet.", "error")
        return _back(candidate.id)
    audit.record("candidate.resume_downloaded", candidate_id=candidate.id)
    db.session.commit()
    return Response(
        candidate.resume.content,
        mimetype="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="candidate-{candidate.id}-resume.pdf"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )

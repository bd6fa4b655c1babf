"""/jobs/<id>/messages: a job's recruiters edit and preview the mails the job sends."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from app.auth.access import roles_required
from app.auth.policy import job_or_403
from app.commit import run_and_commit
from app.messages import templates
from app.models import Role

bp = Blueprint("messages", __name__)


class TemplateForm(FlaskForm):
    subject = StringField("Subject")
    body = TextAreaField("Message")
    preview = SubmitField("Preview")
    save = SubmitField("Save")
    reset = SubmitField("Back to the default")


@bp.route("/jobs/<int:job_id>/messages", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.RECRUITER)
def edit(job_id: int):
    job = job_or_403(current_user, job_id)
    posted = request.form.get("kind") if request.method == "POST" else None
    forms, previews = {}, {}
    for kind in templates.KINDS:
        subject, body = templates.wording(job, kind)
        form = TemplateForm(prefix=kind, subject=subject, body=body, formdata=None)
        if kind == posted:
            form = TemplateForm(prefix=kind)
        forms[kind] = form
    form = forms.get(posted) if posted else None
    if form is not None and form.validate_on_submit():
        if form.reset.data:
            run_and_commit(lambda: templates.reset(job, posted), "Back to the default wording.")
            return redirect(url_for("messages.edit", job_id=job.id))
        if form.save.data:
            done = run_and_commit(
                lambda: templates.save(
                    job, posted, form.subject.data or "", form.body.data or "", current_user
                ),
                "Message saved; it is used from the next mail on.",
                form=form,
            )
            if done:
                return redirect(url_for("messages.edit", job_id=job.id))
        else:  # a preview writes nothing; run_and_commit reports a refused wording on the form
            shown = run_and_commit(
                lambda: templates.preview(posted, form.subject.data or "", form.body.data or ""),
                form=form,
            )
            if shown:
                previews[posted] = shown.value
    return render_template(
        "messages/edit.html", job=job, forms=forms, kinds=templates.KINDS, previews=previews
    )

"""The candidate portal's voluntary self-identification form (the domain is app/reports/self_id.py).

Answering is optional and changes nothing in the application: the answers are read only as
counts per group by the adverse-impact reports, never shown to interviewers or on staff pages.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SubmitField

from app.auth.access import roles_required
from app.commit import run_and_commit
from app.extensions import db
from app.forms import SelectField
from app.models import Candidate, Role
from app.reports import self_id

bp = Blueprint("self_id", __name__, url_prefix="/me/self-identification")
NO_ANSWER = SelectChoice("", "(no answer)")


def self_id_form(questions: tuple[self_id.Question, ...], answers: dict[str, str]) -> FlaskForm:
    """A form with one select per configured question (any option, or no answer)."""

    class SelfIdForm(FlaskForm):
        submit = SubmitField("Save my answers")

    for question in questions:
        choices = [NO_ANSWER, *(SelectChoice(o.key, o.label) for o in question.options)]
        setattr(
            SelfIdForm,
            question.key,
            SelectField(question.label, choices=choices, default=answers.get(question.key, "")),
        )
    return SelfIdForm()


def _candidate() -> Candidate:
    candidate = current_user.candidate
    if candidate is None or candidate.erased_at is not None:
        abort(404)
    return candidate


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.CANDIDATE)
def form():
    candidate = _candidate()
    questions = self_id.questions()
    form = self_id_form(questions, self_id.answers_of(candidate))
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: self_id.save_answers(
                candidate, {q.key: form[q.key].data or "" for q in questions}
            ),
            form=form,
        )
        if done:
            flash(
                "Thank you. Your answers are saved; you can change or withdraw them here.",
                "success",
            )
            return redirect(url_for("self_id.form"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("portal/self_identification.html", form=form), status


@bp.route("/withdraw", methods=["POST"])
@roles_required(Role.CANDIDATE)
def withdraw():
    candidate = _candidate()
    self_id.erase_answers(candidate.id)
    db.session.commit()
    flash("Your self-identification answers are deleted.", "success")
    return redirect(url_for("self_id.form"))

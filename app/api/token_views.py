"""The API tokens page: create, list, revoke your own (`flask create-token`: app/api/cli.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.api import tokens
from app.auth.access import roles_required
from app.auth.policy import EVERYONE
from app.commit import run_and_commit
from app.extensions import db
from app.models import ApiToken

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=tokens.MAX_NAME)],
        description="What will use it, e.g. “ATS sync”.",
    )
    submit = SubmitField("Create token")


class RevokeForm(FlaskForm):
    token_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Revoke")


@bp.route("", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def index():
    form = TokenForm()
    plain = None
    if form.validate_on_submit():
        done = run_and_commit(lambda: tokens.create_token(current_user, form.name.data), form=form)
        if done:
            token, plain = done.value
            form = TokenForm(formdata=None)
            flash(f"Token “{token.name}” created. Copy it now: it is shown only once.", "success")
    return render_template(
        "api/tokens.html",
        form=form,
        plain=plain,
        tokens=tokens.active_tokens(current_user),
        revoke_form=RevokeForm(),
    )


@bp.route("/revoke", methods=["POST"])
@roles_required(*EVERYONE)
def revoke():
    form = RevokeForm()
    token_id = form.token_id.data or ""
    token = db.session.get(ApiToken, int(token_id)) if token_id.isdigit() else None
    if not form.validate_on_submit() or token is None or token.user_id != current_user.id:
        flash("There is no such token of yours; it may have been revoked already.", "error")
        return redirect(url_for("api_tokens.index"))
    tokens.revoke_token(token, current_user)
    db.session.commit()
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for("api_tokens.index"))

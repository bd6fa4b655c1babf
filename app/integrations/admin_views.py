"""Admin pages: connect an ATS (its API key is shown once), list connections, revoke one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.auth.access import roles_required
from app.commit import run_and_commit
from app.extensions import db
from app.forms import CheckboxesField
from app.integrations import connections
from app.models import AtsConnection, AtsOrder, Job, Role

bp = Blueprint("ats_admin", __name__, url_prefix="/admin/ats")


class ConnectionForm(FlaskForm):
    name = StringField(
        "ATS", validators=[DataRequired(), Length(max=connections.MAX_NAME)], default="Greenhouse"
    )
    jobs = CheckboxesField("Jobs it may order tests in", coerce=int)
    submit = SubmitField("Connect and show the API key")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    form = ConnectionForm()
    open_jobs = db.session.scalars(select(Job).where(Job.is_open).order_by(Job.title))
    form.jobs.choices = [SelectChoice(job.id, f"{job.title} (#{job.id})") for job in open_jobs]
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: connections.create_connection(
                form.name.data, form.jobs.data or [], current_user, current_app.config["SECRET_KEY"]
            ),
            form=form,
        )
        if done:
            connection, key = done.value
            return render_template("integrations/created.html", connection=connection, key=key)
    orders = dict(
        db.session.execute(
            select(AtsOrder.connection_id, db.func.count(AtsOrder.id)).group_by(
                AtsOrder.connection_id
            )
        ).all()
    )
    return render_template(
        "integrations/connections.html",
        connections=connections.all_connections(),
        orders=orders,
        form=form,
        revoke_form=RevokeForm(),
    )


@bp.route("/<int:connection_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke(connection_id: int):
    connection = db.get_or_404(AtsConnection, connection_id)
    if RevokeForm().validate_on_submit():
        connections.revoke_connection(connection, current_user)
        db.session.commit()
        flash(f"The {connection.name} connection is revoked: its key no longer works.", "success")
    else:
        flash("The form expired; reload the page and try again.", "error")
    return redirect(url_for("ats_admin.index"))

"""/settings: every signed-in user (candidates too) chooses the time zone pages are shown in."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from app.account import operations
from app.auth.access import roles_required
from app.errors import DomainError
from app.extensions import db
from app.forms import apply_domain_error
from app.models import Role
from app.timezones import zone_names

bp = Blueprint("account", __name__)


class SettingsForm(FlaskForm):
    time_zone = SelectField("Time zone", validate_choice=False)
    submit = SubmitField("Save settings")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*Role)
def settings():
    form = SettingsForm(time_zone=current_user.time_zone)
    form.time_zone.choices = list(zone_names())
    if form.validate_on_submit():
        try:
            operations.set_time_zone(current_user, form.time_zone.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Times are now shown in {current_user.time_zone}.", "success")
            return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form)

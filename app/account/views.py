"""/settings: every signed-in user (candidates too) chooses the time zone pages are shown in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from app.account import operations
from app.auth.access import roles_required
from app.commit import run_and_commit
from app.forms import SelectField
from app.models import Role
from app.notifications.operations import KINDS
from app.timezones import zone_names

bp = Blueprint("account", __name__)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SettingsForm(FlaskForm):
    time_zone = SelectField("Time zone", validate_choice=False)
    notifications = MultiCheckboxField(
        "Notify me (in HireLab and by email) when",
        choices=[SelectChoice(kind, label) for kind, label in KINDS.items()],
        validate_choice=False,
    )
    submit = SubmitField("Save settings")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*Role)
def settings():
    muted = current_user.muted_notifications.split(",")
    form = SettingsForm(
        time_zone=current_user.time_zone,
        notifications=[kind for kind in KINDS if kind not in muted],
    )
    form.time_zone.choices = [SelectChoice(name, name) for name in zone_names()]
    if current_user.role is Role.CANDIDATE:
        del form.notifications  # candidates get mail about their exercises, not these
    if form.validate_on_submit():
        chosen = (form.notifications.data or []) if "notifications" in form else None
        done = run_and_commit(
            lambda: operations.save_settings(current_user, form.time_zone.data, chosen),
            lambda _: f"Times are now shown in {current_user.time_zone}.",
            form=form,
        )
        if done:
            return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form)

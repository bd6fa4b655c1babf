"""Admin pages: webhook endpoints and each endpoint's delivery log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.auth.access import roles_required
from app.commit import run_and_commit
from app.extensions import db
from app.forms import CheckboxesField
from app.models import Role, WebhookEndpoint
from app.webhooks import operations
from app.webhooks.events import EVENTS

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


class EndpointForm(FlaskForm):
    url = StringField("URL", validators=[DataRequired(), Length(max=operations.MAX_URL)])
    secret = StringField(
        "Secret",
        validators=[Optional(), Length(max=200)],
        description="Signs every payload (HMAC-SHA256). Leave blank to generate one.",
    )
    events = CheckboxesField(
        "Events", choices=[SelectChoice(event, event) for event in EVENTS], default=list(EVENTS)
    )
    submit = SubmitField("Add endpoint")


class ToggleForm(FlaskForm):
    submit = SubmitField("Toggle")


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    form = EndpointForm()
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: operations.create_endpoint(
                form.url.data, form.secret.data or "", form.events.data or [], current_user
            ),
            form=form,
        )
        if done:
            endpoint = done.value
            flash(
                "Endpoint added. Give its secret to the receiver to verify signatures.", "success"
            )
            return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    return render_template("webhooks/index.html", endpoints=endpoints, form=form)


@bp.route("/<int:endpoint_id>")
@roles_required(Role.ADMIN)
def endpoint(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    return render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        deliveries=operations.recent_deliveries(endpoint),
        toggle_form=ToggleForm(),
    )


@bp.route("/<int:endpoint_id>/toggle", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if ToggleForm().validate_on_submit():
        operations.set_active(endpoint, not endpoint.active)
        db.session.commit()
        flash(f"Endpoint {'resumed' if endpoint.active else 'paused'}.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))

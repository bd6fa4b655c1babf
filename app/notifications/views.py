"""/notifications: the signed-in user's in-app list; a CLI and a periodic task sweep for
scorecards that are due or overdue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import roles_required
from app.extensions import db
from app.models import Notification, Role
from app.notifications import operations

bp = Blueprint("notifications", __name__)
PAGE = 100


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """The signed-in user's unread count (User.unread_notifications, loaded at sign-in check)."""
    return current_user.unread_notifications if current_user.is_authenticated else 0


@bp.route("/notifications")
@roles_required(*Role)
def index():
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE)
    ).all()
    return render_template("notifications/index.html", notes=notes)


@bp.route("/notifications/read", methods=["POST"])
@roles_required(*Role)
def mark_all_read():
    count = operations.mark_read(current_user)
    db.session.commit()
    flash(f"{count} notification(s) marked read.", "success")
    return redirect(url_for("notifications.index"))

"""Admin pages: staff accounts (create, deactivate, change role, reset a password)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.admin import operations as admin_operations
from app.auth import operations
from app.auth.access import roles_required
from app.auth.forms import PasswordResetForm, RoleForm, ToggleActiveForm, UserForm
from app.commit import run_and_commit
from app.extensions import db
from app.models import STAFF_ROLES, Role, User
from app.reports.operations import demographic_readers

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = UserForm()
    if form.validate_on_submit():
        done = run_and_commit(
            lambda: operations.create_user(
                form.email.data, form.name.data, Role(form.role.data), form.password.data
            ),
            form=form,
        )
        if done:
            user = done.value
            flash(f"{user.name} can now sign in as {user.role.label.lower()}.", "success")
            return redirect(url_for("admin.users"))
    staff = list(
        db.session.scalars(
            select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.role, User.name)
        )
    )
    return render_template(
        "admin/users.html",
        users=staff,
        form=form,
        role_form=RoleForm(),
        toggle_form=ToggleActiveForm(),
        password_form=PasswordResetForm(),
        recruiters=[user for user in staff if user.role is Role.RECRUITER],
        demographic_readers=demographic_readers(),
    )


def _manage(form, refused: str, change) -> Response:
    """Validate `form`, run `change(form)` (an operation that returns the success message),
    commit, and return to the users page; a domain error is flashed and nothing is written."""
    if not form.validate_on_submit():
        flash(next((e for f in form for e in f.errors), refused), "error")
        return redirect(url_for("admin.users"))
    run_and_commit(lambda: change(form), lambda message: message)  # `change` says what it did
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)

    def toggle(_form) -> str:
        admin_operations.set_active(user, not user.active, current_user)
        return f"{user.name} is {'active again' if user.active else 'deactivated; sessions ended'}."

    return _manage(ToggleActiveForm(), "The form expired; reload the page and try again.", toggle)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)

    def change(form: RoleForm) -> str:
        admin_operations.change_role(user, Role(form.role.data), current_user)
        return f"{user.name} is now {user.role.label.lower()}; their sessions ended."

    return _manage(RoleForm(), "Choose a staff role.", change)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)

    def reset(form: PasswordResetForm) -> str:
        admin_operations.reset_password(user, form.password.data, current_user)
        return f"{user.name}'s password is reset and their sessions ended; tell them in person."

    return _manage(PasswordResetForm(), "Give the new password.", reset)

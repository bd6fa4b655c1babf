from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from app.auth import operations
from app.auth.access import roles_required
from app.auth.forms import UserForm
from app.errors import DomainError
from app.extensions import db
from app.forms import apply_domain_error
from app.models import STAFF_ROLES, Role, User
from app.reports.operations import demographic_readers

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                form.email.data, form.name.data, Role(form.role.data), form.password.data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            db.session.commit()
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
        recruiters=[user for user in staff if user.role is Role.RECRUITER],
        demographic_readers=demographic_readers(),
    )

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_user, logout_user

from app.auth import operations
from app.auth.access import STAFF_AND_CANDIDATES, public, roles_required
from app.auth.forms import LoginForm
from app.errors import InvalidInvite
from app.extensions import db
from app.urls import safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required(*STAFF_AND_CANDIDATES)
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>")
@public
def redeem_invite(token: str):
    try:
        user = operations.redeem_invite(token, current_app.config["SECRET_KEY"])
    except InvalidInvite as error:
        status = 410 if error.expired else 404
        return render_template("auth/invite_invalid.html", message=error.message), status
    login_user(user)
    db.session.commit()
    return redirect(url_for("main.home"))

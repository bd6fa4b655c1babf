from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from app import audit
from app.auth import operations, rate_limit, sessions
from app.auth.access import public, roles_required
from app.auth.forms import LoginForm
from app.auth.policy import EVERYONE
from app.errors import InvalidInvite
from app.extensions import db
from app.urls import safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        email = operations.normalise_email(form.email.data)
        attempt = rate_limit.sign_in_attempt(request.remote_addr, email, current_app.config)
        db.session.commit()  # counted before the password is checked: parallel tries see it
        if attempt.refused:
            form.form_errors.append(attempt.message)
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(attempt.wait)}
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            attempt.succeeded()
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        operations.record_failed_sign_in(email)
        db.session.commit()
        form.password.errors.append("Wrong email or password.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required(*EVERYONE)
def logout():
    # Server-side: the epoch moves on, so this cookie (and any copy of it) is refused from now on.
    user = current_user._get_current_object()
    sessions.end_sessions(user)
    audit.record("user.signed_out", target=f"user:{user.id}", actor=user)
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>")
@public
def redeem_invite(token: str):
    attempt = rate_limit.invite_attempt(request.remote_addr, current_app.config)
    db.session.commit()  # counted before the link is checked: parallel tries see it
    if attempt.refused:
        page = render_template("auth/invite_invalid.html", message=attempt.message)
        return page, 429, {"Retry-After": str(attempt.wait)}
    try:
        invite = operations.redeem_invite(token, current_app.config["SECRET_KEY"])
    except InvalidInvite as error:
        db.session.rollback()
        audit.record("invite.refused", detail="expired" if error.expired else "invalid or revoked")
        db.session.commit()
        status = 410 if error.expired else 404
        return render_template("auth/invite_invalid.html", message=error.message), status
    attempt.succeeded()
    login_user(invite.candidate.user)
    sessions.bind_invite(invite)
    db.session.commit()
    return redirect(url_for("main.home"))

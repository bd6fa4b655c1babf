import hashlib

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


def _wait_message(seconds: int, what: str) -> str:
    minutes = max(1, round(seconds / 60))
    return f"Too many {what}. Wait {minutes} minute{'s' if minutes > 1 else ''} and try again."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        limit = current_app.config["LOGIN_RATE_LIMIT"]
        email = operations.normalise_email(form.email.data)
        # Hashed: the limiter's table must not keep the addresses people typed.
        keys = (
            f"login-ip:{request.remote_addr}",
            "login-email:" + hashlib.sha256(email.encode()).hexdigest()[:40],
        )
        wait, reserved = rate_limit.reserve(keys, limit)
        if wait:
            db.session.rollback()
            audit.record("login.rate_limited", detail=f"retry after {wait} s")
            db.session.commit()
            form.form_errors.append(_wait_message(wait, "failed sign-ins"))
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        db.session.commit()  # counted before the password is checked: parallel tries see it
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            rate_limit.release(reserved)
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        known = operations.find_user_by_email(email)
        audit.record(
            "login.failed",
            target=f"user:{known.id}" if known else "",
            detail="wrong password" if known else "unknown account",
        )
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
    limit = current_app.config["INVITE_RATE_LIMIT"]
    key = f"invite-ip:{request.remote_addr}"
    wait, reserved = rate_limit.reserve((key,), limit)
    if wait:
        db.session.rollback()
        message = _wait_message(wait, "invalid invite links were opened from your network")
        page = render_template("auth/invite_invalid.html", message=message)
        return page, 429, {"Retry-After": str(wait)}
    db.session.commit()  # counted before the link is checked: parallel tries see it
    try:
        invite = operations.redeem_invite(token, current_app.config["SECRET_KEY"])
    except InvalidInvite as error:
        db.session.rollback()
        audit.record("invite.refused", detail="expired" if error.expired else "invalid or revoked")
        db.session.commit()
        status = 410 if error.expired else 404
        return render_template("auth/invite_invalid.html", message=error.message), status
    rate_limit.release(reserved)
    login_user(invite.candidate.user)
    sessions.bind_invite(invite)
    db.session.commit()
    return redirect(url_for("main.home"))

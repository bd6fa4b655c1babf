from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import public
from app.models import Role
from app.pipeline import queries

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role is Role.CANDIDATE:
        return redirect(url_for("portal.home"))
    if current_user.role is Role.INTERVIEWER:
        return render_template("main/interviewer_home.html")
    return render_template("main/staff_home.html", jobs=queries.jobs_with_counts())

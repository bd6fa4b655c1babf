from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import public
from app.models import Role, now_utc
from app.pipeline import queries
from app.scorecards import queries as scorecard_queries

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role is Role.CANDIDATE:
        return redirect(url_for("portal.home"))
    if current_user.role is Role.INTERVIEWER:
        return render_template(
            "main/interviewer_home.html",
            **scorecard_queries.interviewer_home(current_user, now_utc()),
        )
    return render_template("main/staff_home.html", jobs=queries.jobs_with_counts(current_user))

"""GET /candidates: search and filter the candidates a recruiter may see, a page at a time."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.policy import accessible_job_ids
from app.models import Role
from app.pipeline.operations import SOURCES
from app.search import filters, queries

bp = Blueprint("search", __name__)


@bp.route("/candidates")
@roles_required(Role.ADMIN, Role.RECRUITER)
def candidates():
    chosen = filters.parse(request.args, SOURCES)
    page = queries.find(current_user, chosen, request.args.get("page", 1, type=int))
    return render_template(
        "search/candidates.html",
        chosen=chosen,
        page=page,
        sources=SOURCES,
        flags=filters.FLAGS,
        visible_jobs=set(accessible_job_ids(current_user)),
    )

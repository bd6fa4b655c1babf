"""Staff pages: a flagged pair side by side; the match list is a template global used by the
review page and the debrief. Evidence for people only: nothing here moves or scores anyone."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app import audit
from app.auth.access import roles_required
from app.extensions import db
from app.models import Role, Submission
from app.similarity import base_code, queries
from app.similarity.access import may_open
from app.similarity.side_by_side import side_by_side

bp = Blueprint("similarity", __name__)
STAFF = (Role.ADMIN, Role.RECRUITER, Role.INTERVIEWER)


@bp.app_template_global("similarity_matches")
def similarity_matches(submission: Submission) -> list[queries.MatchView]:
    return queries.matches_for(submission, current_user)


@bp.app_template_global("variant_number_flags")
def variant_number_flags(submission: Submission) -> list[queries.VariantFlagView]:
    return queries.variant_flags_for(submission, current_user)


@bp.route("/submissions/<int:submission_id>/similar")
@roles_required(*STAFF)
def compare(submission_id: int):
    """`?to=<other submission id>`: the pair side by side (both must be reachable)."""
    submission = db.get_or_404(Submission, submission_id)
    if not may_open(current_user, submission):
        abort(403)
    other_id = request.args.get("to", type=int)
    if other_id is None:
        message = "Say which submission to compare with: add ?to=<submission id> to the address."
        return render_template("error.html", code=400, title="Bad request", message=message), 400
    other = db.get_or_404(Submission, other_id)
    if not may_open(current_user, other):
        abort(403)
    match = queries.stored_match(submission.id, other.id)
    if match is None:
        abort(404)
    for side in (submission, other):
        audit.record(
            "submission.compared",
            candidate_id=side.assignment.application.candidate_id,
            target=f"submission:{side.id}",
        )
    db.session.commit()
    base = base_code.exercise_base(submission.assignment.exercise_slug)
    left, right = side_by_side(submission.notebook, other.notebook, base)
    view = next(
        m
        for m in queries.matches_for(submission, current_user, limit=queries.ALL)
        if m.other is not None and m.other.id == other.id
    )
    return render_template(
        "similarity/compare.html",
        submission=submission, other=other, match=view, left=left, right=right,
    )

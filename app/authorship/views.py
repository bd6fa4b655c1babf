"""The follow-up questions as a template global, for the interview kit and scorecard pages."""

from __future__ import annotations

from flask import Blueprint

from app.authorship.queries import SubmissionQuestions, followups_for
from app.models import Application, Submission
from app.scorecards.operations import AUTHORSHIP

bp = Blueprint("authorship", __name__)


@bp.app_template_global("authorship_followups")
def authorship_followups(
    application: Application, submissions: list[Submission]
) -> list[SubmissionQuestions]:
    return followups_for(application, submissions)


@bp.app_template_global("authorship_label")
def authorship_label(key: str | None) -> str:
    return AUTHORSHIP.get(key or "", "Not discussed")

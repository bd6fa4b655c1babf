"""The contract's test_status answer for an order: not started, in progress, or complete with the
score, the max score and the evidence per rubric dimension (as flat metadata), and a signed link
to the review page, which still asks for a HireLab sign-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from app.grading.scoring import points_by_dimension
from app.integrations.contract import STATUS_COMPLETE, STATUS_IN_PROGRESS, STATUS_NOT_STARTED
from app.models import AtsOrder, GradingRun, RunStatus

REVIEW_SALT = "ats-review-link"
TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


def latest_graded_run(order: AtsOrder) -> GradingRun | None:
    """The newest graded run of the newest submission that has one (the latest upload counts)."""
    for submission in reversed(order.assignment.submissions):
        graded = [run for run in submission.runs if run.status is RunStatus.GRADED]
        if graded:
            return graded[-1]
    return None


def _points(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def evidence(run: GradingRun) -> dict[str, str]:
    """Points per rubric dimension, e.g. {"Evidence: modelling": "6.0 / 10.0"}."""
    totals = points_by_dimension(run.group_scores)
    return {
        f"Evidence: {dimension}": f"{round(score, 2)} / {round(top, 2)}"
        for dimension, (score, top) in sorted(totals.items())
    }


def test_status(order: AtsOrder, review_url: Callable[[str], str]) -> dict[str, Any]:
    """The test_status body: partner_status, partner_profile_url, partner_score, metadata."""
    assignment = order.assignment
    run = latest_graded_run(order)
    metadata: dict[str, Any] = {"Exercise": assignment.exercise_slug}
    if assignment.opened_at is not None:
        metadata["Started At"] = assignment.opened_at.strftime(TIME_FORMAT)
    if run is None:
        started = assignment.opened_at is not None or bool(assignment.submissions)
        return {
            "partner_status": STATUS_IN_PROGRESS if started else STATUS_NOT_STARTED,
            "partner_profile_url": None,
            "partner_score": None,
            "metadata": metadata,
        }
    submitted = run.submission.submitted_at
    metadata["Completed At"] = submitted.strftime(TIME_FORMAT)
    metadata["Max Score"] = _points(run.max_score)
    metadata["Verdict"] = run.verdict or ""
    metadata.update(evidence(run))
    metadata["Review"] = "The review page asks for a HireLab sign-in."
    return {
        "partner_status": STATUS_COMPLETE,
        "partner_profile_url": review_url(review_token(order)),
        "partner_score": _points(run.score),
        "metadata": metadata,
    }


def _serializer(secret_key: str | None = None) -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(secret_key or current_app.config["SECRET_KEY"], salt=REVIEW_SALT)


def review_token(order: AtsOrder) -> str:
    return _serializer().dumps({"order": order.partner_interview_id})


def order_id_from_token(token: str) -> str | None:
    """The partner_interview_id a review link names, or None when the link was not signed here."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    value = payload.get("order") if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None

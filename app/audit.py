"""Record who viewed or changed which candidate's data (the admins' audit log).

Events hold ids and action names only — never names, emails or notebook content — so the log
can outlive a candidate's erasure. Callers own the commit (a GET view commits after recording).
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User

PAGE_SIZE = 200

ACTIONS = {
    "candidate.viewed": "viewed the candidate page",
    "candidate.erased": "erased the candidate's personal data",
    "candidate.note_added": "added a note",
    "candidate.profile_updated": "edited the candidate's profile",
    "candidate.resume_uploaded": "uploaded a résumé",
    "candidate.resume_downloaded": "downloaded the résumé",
    "application.moved": "moved an application",
    "submission.reviewed": "opened a submission's review",
    "notebook.viewed": "opened a notebook",
    "submission.compared": "compared two similar submissions side by side",
    "notebook.uploaded": "uploaded a notebook",
    "starter_kit.downloaded": "downloaded a starter kit",
    "export.csv": "downloaded a CSV export",
    "invite.issued": "issued an invite link",
    "invite.revoked": "revoked an invite link",
    "invite.refused": "used an invalid invite link",
    "exercise.assigned": "assigned an exercise",
    "scorecard.viewed": "opened a scorecard",
    "login.failed": "failed to sign in",
    "login.rate_limited": "was refused by the sign-in rate limit",
    "job.blind_review": "changed blind review of a job",
    "job.team": "changed a job's team",
    "report.adverse_impact": "read an adverse-impact report",
    "report.access": "changed who may read adverse-impact reports",
    "application.rejected": "rejected an application",
    "application.withdrawn": "recorded a withdrawal",
    "scorecard.submitted": "submitted a scorecard",
    "user.deactivated": "deactivated an account",
    "user.activated": "reactivated an account",
    "user.role_changed": "changed an account's role",
    "user.password_reset": "reset an account's password",
    "user.signed_out": "signed out (every session ended)",
    "ats.connection_created": "connected an ATS",
    "ats.connection_revoked": "revoked an ATS connection",
    "ats.test_sent": "sent a test ordered by an ATS",
}


def record(
    action: str,
    *,
    candidate_id: int | None = None,
    target: str = "",
    detail: str = "",
    actor: User | None = None,
) -> AuditEvent:
    """Add an audit event for `action` by `actor` (default: the signed-in user)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        candidate_id=candidate_id,
        target=target[:120],
        detail=detail[:300],
        ip=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(event)
    return event


def events(candidate_id: int | None = None, limit: int = PAGE_SIZE) -> list[AuditEvent]:
    """The newest events, optionally of one candidate."""
    query = select(AuditEvent).options(db.joinedload(AuditEvent.actor))
    if candidate_id is not None:
        query = query.where(AuditEvent.candidate_id == candidate_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))

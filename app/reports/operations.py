"""Report permissions: an admin allows (or stops) a recruiter reading adverse-impact reports.
Flushes; the view commits. The rule itself is observations.may_read_demographic_reports."""

from __future__ import annotations

from sqlalchemy import delete, select

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import DemographicReportGrant, Role, User


def set_demographic_access(user: User, allowed: bool, actor: User) -> None:
    if user.role is not Role.RECRUITER:
        raise DomainError(
            "Only recruiters need this permission: admins always have it, and interviewers "
            "and candidates never get it."
        )
    grant = db.session.scalar(
        select(DemographicReportGrant).where(DemographicReportGrant.user_id == user.id)
    )
    if allowed and grant is None:
        db.session.add(DemographicReportGrant(user_id=user.id, granted_by_id=actor.id))
    elif not allowed and grant is not None:
        db.session.execute(
            delete(DemographicReportGrant).where(DemographicReportGrant.user_id == user.id)
        )
    audit.record(
        "report.access", target=f"user:{user.id}", detail="allowed" if allowed else "stopped"
    )
    db.session.flush()


def demographic_readers() -> set[int]:
    """Ids of the recruiters allowed to read adverse-impact reports."""
    return set(db.session.scalars(select(DemographicReportGrant.user_id)))

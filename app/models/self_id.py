"""Voluntary self-identification answers, and who besides admins may read their aggregates.

Kept in their own table with no relationship from `Candidate`, so no candidate page, export or
API shape can reach them by navigation: only `app/reports/adverse_impact.py` reads them, and only
as counts per group. Erased with the candidate (`app/privacy/erasure.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, now_utc


class SelfIdentification(db.Model):
    """One candidate's answer to one self-identification question (category keys, no free text)."""

    __tablename__ = "self_identifications"
    __table_args__ = (UniqueConstraint("candidate_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(60))
    answer: Mapped[str] = mapped_column(String(60))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class DemographicReportGrant(db.Model):
    """A recruiter an admin allowed to read the adverse-impact reports (admins always may)."""

    __tablename__ = "demographic_report_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

"""The audit log: who viewed or changed which candidate's data, downloads included."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.user import User


class AuditEvent(db.Model):
    """One access to, or change of, candidate data (or a security event such as a failed login).

    `candidate_id` is a plain integer, not a foreign key: the record of who saw a candidate must
    outlive the candidate's erasure. Nothing personal is stored here, only ids and action names.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_candidate_at", "candidate_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    candidate_id: Mapped[int | None] = mapped_column()
    # What was touched, as "kind:id" (e.g. "submission:12", "job:3").
    target: Mapped[str] = mapped_column(String(120), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")

    actor: Mapped[User | None] = relationship()

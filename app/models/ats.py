"""ATS connections (an applicant-tracking system ordering HireLab tests as an assessment partner)
and the orders it placed, each with the state of its completion callback to the ATS."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, now_utc

if TYPE_CHECKING:
    from app.models.grading import Assignment
    from app.models.pipeline import Job
    from app.models.user import User

ats_connection_jobs = Table(
    "ats_connection_jobs",
    db.Model.metadata,
    Column(
        "connection_id",
        ForeignKey("ats_connections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
)


class CallbackStatus(enum.StrEnum):
    NONE = "none"  # nothing to announce yet
    PENDING = "pending"  # a completion to announce: attempted until delivered or out of attempts
    DELIVERED = "delivered"
    FAILED = "failed"


class AtsConnection(db.Model):
    """One ATS account's API key (never stored: its SHA-256 and salt are) and the jobs it may order
    tests in."""

    __tablename__ = "ats_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the key, so admins can tell connections apart; not a secret.
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The key is HMAC(SECRET_KEY, salt): the database alone never yields it, and HireLab can
    # present it on its completion callbacks (the contract authenticates those with the key).
    key_salt: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    jobs: Mapped[list[Job]] = relationship(secondary=ats_connection_jobs, order_by="Job.id")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AtsOrder(db.Model):
    """One `send_test` of a connection: the assignment it made (or matched) and its callback."""

    __tablename__ = "ats_orders"
    __table_args__ = (UniqueConstraint("connection_id", "order_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("ats_connections.id", ondelete="CASCADE"), index=True
    )
    # What the ATS calls this test instance (its partner_interview_id), random and unguessable.
    partner_interview_id: Mapped[str] = mapped_column(String(40), unique=True)
    partner_test_id: Mapped[str] = mapped_column(String(120))
    # SHA-256 of the ATS's own id of the order (Greenhouse: the `url` of its take-home test): a
    # second send_test with the same key is the same order (idempotent).
    order_key: Mapped[str] = mapped_column(String(64))
    # SHA-256 of what was ordered (test + email): the same key with a different order is refused.
    request_sha256: Mapped[str] = mapped_column(String(64))
    callback_url: Mapped[str] = mapped_column(String(2000), default="")
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    callback_status: Mapped[CallbackStatus] = mapped_column(
        enum_column(CallbackStatus), default=CallbackStatus.NONE, index=True
    )
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_error: Mapped[str] = mapped_column(Text, default="")

    connection: Mapped[AtsConnection] = relationship()
    assignment: Mapped[Assignment] = relationship()

"""The outbox: every email HireLab sends (OutboxMessage), and one OutboxTask row per side effect
(grade a run, deliver a webhook, send a mail) written in the transaction that caused it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.candidate import Candidate


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"), index=True)
    candidate: Mapped[Candidate | None] = relationship()
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    # One optional attachment (an interview's .ics invite).
    attachment_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="", server_default="")
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)


class OutboxTask(db.Model):
    """One side effect still to happen (done_at is None) or done. `due_at` is when the latest
    queue message for it falls due: past it by the re-dispatch delay, the sweeper sends another."""

    __tablename__ = "outbox_tasks"
    __table_args__ = (Index("ix_outbox_tasks_pending", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    dispatches: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # consumer tries (mail)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


Index("ix_outbox_tasks_target", OutboxTask.kind, OutboxTask.target_id)

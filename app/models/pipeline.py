"""Jobs (requisitions) and their ordered stages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, now_utc

if TYPE_CHECKING:
    from app.models.candidate import Application
    from app.models.user import User


class StageKind(enum.StrEnum):
    NORMAL = "normal"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def is_terminal(self) -> bool:
        return self is not StageKind.NORMAL


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(120), default="")
    is_open: Mapped[bool] = mapped_column(default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The board flags a candidate who has waited in one stage longer than this.
    stale_after_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # Blind review: interviewers see a pseudonym, not the candidate's name, email or notebook
    # metadata, until they submitted their scorecards (app/auth/blind.py).
    blind_review: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    owner: Mapped[User | None] = relationship()
    stages: Mapped[list[Stage]] = relationship(
        back_populates="job", order_by="Stage.position", cascade="all, delete-orphan"
    )
    applications: Mapped[list[Application]] = relationship(back_populates="job")


class Stage(db.Model):
    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("job_id", "position"),
        UniqueConstraint("job_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    kind: Mapped[StageKind] = mapped_column(enum_column(StageKind), default=StageKind.NORMAL)

    job: Mapped[Job] = relationship(back_populates="stages")

    def __repr__(self) -> str:
        return f"<Stage {self.name!r} #{self.position} {self.kind.value}>"

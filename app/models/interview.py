"""Interviews, their panels, scorecards (versioned) and one score row per dimension."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, now_utc

if TYPE_CHECKING:
    from app.models.candidate import Application
    from app.models.pipeline import Stage
    from app.models.user import User


class ScorecardStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Interview(db.Model):
    """One interview of an application at a pipeline stage, run with an interview kit."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    kit_id: Mapped[str] = mapped_column(String(100))
    kit_title: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    location: Mapped[str] = mapped_column(String(300), default="", server_default="")
    video_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # iCalendar SEQUENCE of the invite: +1 on every reschedule or cancellation (same UID).
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    stage: Mapped[Stage] = relationship()
    scheduled_by: Mapped[User | None] = relationship()
    panel: Mapped[list[InterviewAssignment]] = relationship(
        back_populates="interview",
        cascade="all, delete-orphan",
        order_by="InterviewAssignment.id",
    )
    scorecards: Mapped[list[Scorecard]] = relationship(
        back_populates="interview", order_by="Scorecard.id"
    )

    @property
    def interviewers(self) -> list[User]:
        return [assignment.interviewer for assignment in self.panel]


class InterviewAssignment(db.Model):
    """An interviewer on an interview's panel; each panel member files their own scorecard."""

    __tablename__ = "interview_assignments"
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    interview: Mapped[Interview] = relationship(back_populates="panel")
    interviewer: Mapped[User] = relationship()


class Scorecard(db.Model):
    """One version of an interviewer's scorecard for an interview.

    Submitted versions are final; an amendment is a new row with `version + 1` that points at the
    one it amends, and the amended one gets `superseded_at` once the amendment is submitted. The
    rubric is snapshotted so later edits of the YAML never change how this scorecard reads.
    """

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Denormalised from the interview: the independence rule and calibration filter on it.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ScorecardStatus] = mapped_column(
        enum_column(ScorecardStatus), default=ScorecardStatus.DRAFT, index=True
    )
    rubric_id: Mapped[str] = mapped_column(String(100))
    rubric_version: Mapped[int] = mapped_column(Integer)
    rubric_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    kit_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    recommendation: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")
    # how well the candidate explained their own submission (scorecards.operations.AUTHORSHIP);
    # None: not discussed. Evidence for the panel, never a score.
    authorship: Mapped[str | None] = mapped_column(String(20))
    authorship_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("scorecards.id"))
    amendment_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    interview: Mapped[Interview] = relationship(back_populates="scorecards")
    interviewer: Mapped[User] = relationship()
    application: Mapped[Application] = relationship()
    amends: Mapped[Scorecard | None] = relationship(remote_side=[id])
    scores: Mapped[list[DimensionScore]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="DimensionScore.id"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status is ScorecardStatus.SUBMITTED

    def score_for(self, dimension: str) -> DimensionScore | None:
        return next((score for score in self.scores if score.dimension == dimension), None)


class DimensionScore(db.Model):
    """The score of one rubric dimension on one scorecard (one row per pair)."""

    __tablename__ = "dimension_scores"
    __table_args__ = (UniqueConstraint("scorecard_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    dimension: Mapped[str] = mapped_column(String(60), index=True)
    # The scale level's key ("meets") and its ordinal from the snapshot (None for "no evidence"
    # or a draft left blank), so calibration can aggregate in SQL.
    level: Mapped[str | None] = mapped_column(String(30))
    value: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")

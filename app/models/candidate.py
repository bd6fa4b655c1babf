"""Candidates, their applications to jobs and every stage move."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.pipeline import Job, Stage
    from app.models.user import User


class Candidate(db.Model):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Not unique: an email known only in jobs a recruiter cannot see makes a separate candidate
    # for them (app/auth/policy.match_candidate_by_email), so no answer reveals it exists.
    email: Mapped[str] = mapped_column(String(254), index=True)
    source: Mapped[str] = mapped_column(String(60), default="other")
    # The account a candidate signs in as (through an invite link).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Set when the candidate's personal data was erased (app/privacy/erasure.py).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Profile (app/profiles): links one per line, tags comma-separated.
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    links: Mapped[str] = mapped_column(Text, default="", server_default="")
    tags: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Name, email, tags, notes and résumé text, rebuilt by app/search/index.py; full-text
    # searched by SQLite FTS5 (a shadow table) or PostgreSQL to_tsvector.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    user: Mapped[User | None] = relationship(back_populates="candidate")
    applications: Mapped[list[Application]] = relationship(back_populates="candidate")
    resume: Mapped[Resume | None] = relationship(
        back_populates="candidate", cascade="all, delete-orphan"
    )

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def link_list(self) -> list[str]:
        return [link.strip() for link in self.links.splitlines() if link.strip()]


class Resume(db.Model):
    """A candidate's résumé: the PDF as uploaded (served only as a download) and its text."""

    __tablename__ = "resumes"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), unique=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read by the download only
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    candidate: Mapped[Candidate] = relationship(back_populates="resume")


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("candidate_id", "job_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    job: Mapped[Job] = relationship(back_populates="applications")
    stage: Mapped[Stage] = relationship()
    transitions: Mapped[list[StageTransition]] = relationship(
        back_populates="application", order_by="StageTransition.at"
    )


class StageTransition(db.Model):
    """One move of an application between stages; the funnel is computed from these."""

    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # None for the entry into the first stage.
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="transitions")
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])
    actor: Mapped[User | None] = relationship()

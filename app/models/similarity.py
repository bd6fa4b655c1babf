"""Notebook fingerprints and the similarity matches found between submissions of one exercise."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.grading import Assignment, Submission


class SubmissionFingerprint(db.Model):
    """One winnowed k-gram hash of a submission (starter and reference code already removed)."""

    __tablename__ = "submission_fingerprints"
    __table_args__ = (
        # the check: "which earlier submissions of this exercise share these hashes?"
        Index("ix_submission_fingerprints_lookup", "exercise_slug", "kind", "hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    exercise_slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # code | markdown
    hash: Mapped[int] = mapped_column(BigInteger)
    cell: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # character offset in the cell's source


class SimilarityMatch(db.Model):
    """A submission and an earlier one of the same exercise that share fingerprints.

    `score` is the shared share of the smaller of the two (0..1), per kind; evidence for people,
    it moves nothing by itself."""

    __tablename__ = "similarity_matches"
    __table_args__ = (UniqueConstraint("submission_id", "other_submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    other_submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    code_score: Mapped[float] = mapped_column(Float, default=0.0)
    markdown_score: Mapped[float] = mapped_column(Float, default=0.0)
    shared_code: Mapped[int] = mapped_column(Integer, default=0)
    shared_markdown: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    submission: Mapped[Submission] = relationship(foreign_keys=[submission_id])
    other_submission: Mapped[Submission] = relationship(foreign_keys=[other_submission_id])


class VariantNumbersFlag(db.Model):
    """A submission whose reported numbers fit another candidate's variant better than its own.

    `matched` lists {name, reported, own, other} per number; evidence for people, moves nothing."""

    __tablename__ = "variant_numbers_flags"
    __table_args__ = (UniqueConstraint("submission_id", "other_assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    other_assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    matched: Mapped[list] = mapped_column(JSON, default=list)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    submission: Mapped[Submission] = relationship(foreign_keys=[submission_id])
    other_assignment: Mapped[Assignment] = relationship(foreign_keys=[other_assignment_id])

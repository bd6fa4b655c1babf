"""Exercise assignments, submissions and grading runs with their outcomes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, now_utc

if TYPE_CHECKING:
    from app.models.candidate import Application
    from app.models.user import User


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    GRADED = "graded"
    FAILED = "failed"  # gave up after the last attempt; the verdict says why


class Assignment(db.Model):
    """An exercise given to a candidate for one application; the time box starts on opening."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "exercise_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    exercise_slug: Mapped[str] = mapped_column(String(100))
    # The pipeline stage the application was in when the exercise was given: the predictive check
    # (app/reports/prediction.py) asks who went on past the stage after it.
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    time_budget_minutes: Mapped[int]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The candidate must open the exercise before this; the time box starts when they do.
    open_by: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The candidate's variant of an exercise that declares one (app/grading/variants.py): the
    # starter data downloaded and the hidden holdout graded are generated from it. None: the
    # exercise's own files (assigned before variants, or an exercise without them).
    variant_seed: Mapped[int | None] = mapped_column(Integer)
    # The variant's expected numbers ({name: value}), stored when the variant is first generated,
    # so a submission's reported numbers can be compared with every candidate's variant.
    variant_numbers: Mapped[dict | None] = mapped_column(JSON)

    application: Mapped[Application] = relationship()
    assigned_by: Mapped[User | None] = relationship()
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="assignment", order_by="Submission.submitted_at"
    )


class Submission(db.Model):
    """One uploaded notebook; stored in the database so workers need no shared disk."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    notebook: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # the exercise's AI-use policy when this was uploaded, and what the candidate disclosed
    ai_policy: Mapped[str | None] = mapped_column(String(30))
    ai_disclosure: Mapped[str] = mapped_column(Text, default="", server_default="")

    assignment: Mapped[Assignment] = relationship(back_populates="submissions")
    runs: Mapped[list[GradingRun]] = relationship(
        back_populates="submission", order_by="GradingRun.id"
    )


class GradingRun(db.Model):
    """One grading of a submission. The row is the source of truth for the queue's workers."""

    __tablename__ = "grading_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus), default=RunStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    graded_by: Mapped[str | None] = mapped_column(String(120))  # the worker that stored the result
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cells_done: Mapped[int] = mapped_column(Integer, default=0)
    cells_total: Mapped[int] = mapped_column(Integer, default=0)
    exercise_version: Mapped[int | None]
    verdict: Mapped[str | None] = mapped_column(String(30))  # sandbox status: completed, timeout…
    message: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    executed_notebook: Mapped[bytes | None] = mapped_column(LargeBinary)
    logs: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="runs")
    requested_by: Mapped[User | None] = relationship()
    group_scores: Mapped[list[GroupScore]] = relationship(
        back_populates="run", order_by="GroupScore.id", cascade="all, delete-orphan"
    )
    test_outcomes: Mapped[list[TestOutcome]] = relationship(
        back_populates="run", order_by="TestOutcome.id", cascade="all, delete-orphan"
    )


class GroupScore(db.Model):
    """Points for one test group of a run: the evidence shown on a rubric dimension."""

    __tablename__ = "group_scores"
    __table_args__ = (UniqueConstraint("run_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("grading_runs.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(60), index=True)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    visible: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")

    run: Mapped[GradingRun] = relationship(back_populates="group_scores")


class TestOutcome(db.Model):
    """One hidden test's outcome in a run (test ids are shown to staff only)."""

    __tablename__ = "test_outcomes"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("grading_runs.id", ondelete="CASCADE"), index=True
    )
    test_id: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))  # passed, failed, error, skipped
    message: Mapped[str] = mapped_column(Text, default="")

    run: Mapped[GradingRun] = relationship(back_populates="test_outcomes")

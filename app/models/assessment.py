"""Derived data the assessment reports read (app/reports/): compact, indexed, kept current.

- `assessment_observations`: one row per assignment and exercise version, its newest graded run:
  the total, the group points (one JSON list, in the order of `groups`), and the levels the
  interviewers gave the application per rubric dimension (current submitted scorecards).
- `assessment_applications`: one row per application: its furthest progression stage and its
  current stage. Self-identification answers are NOT copied here: they live only in their own
  table (app/models/self_id.py), which the adverse-impact report joins by candidate.
- `assessment_revisions`: a counter per job, raised in the same transaction as every change to the
  job's rows, so the report cache proves in one indexed query that nothing changed.

`app.assessment_upkeep` writes all three, in the transaction of the change it follows (ingest of a
grading result, stage moves, scorecard submissions, self-identification answers, erasure), and
`upkeep.rebuild` recomputes them from the source tables (the migration's backfill, bulk loads).
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class AssessmentObservation(db.Model):
    __tablename__ = "assessment_observations"
    __table_args__ = (
        Index("ix_assessment_observations_scope", "exercise_slug", "exercise_version", "job_id"),
    )

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    exercise_version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    exercise_slug: Mapped[str] = mapped_column(String(100))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    run_id: Mapped[int] = mapped_column(ForeignKey("grading_runs.id", ondelete="CASCADE"))
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    groups: Mapped[str] = mapped_column(Text)  # JSON [[group id, title, dimension, max], ...]
    points: Mapped[str] = mapped_column(Text)  # JSON [points, ...] in the order of `groups`
    ratings: Mapped[str] = mapped_column(Text, default="{}")  # JSON {dimension: [level, ...]}


class AssessmentApplication(db.Model):
    __tablename__ = "assessment_applications"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    furthest_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL")
    )
    current_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL")
    )


class AssessmentRevision(db.Model):
    __tablename__ = "assessment_revisions"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    revision: Mapped[int] = mapped_column(default=0)

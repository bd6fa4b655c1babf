"""Per application and stage: what the funnel needs, kept in step with every stage move.

Derived data: `app.pipeline.stage_stats.rebuild` recomputes it from `stage_transitions` with one
SQL aggregation, and `record_*` keep it current as `apply`/`move` write transitions. The funnel
reads it so a job with tens of thousands of applications answers in milliseconds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ApplicationStageStats(db.Model):
    __tablename__ = "application_stage_stats"
    __table_args__ = (
        # Time-in-stage percentiles walk one stage's completed stays in order of duration;
        # per-stage counts read the same index.
        Index(
            "ix_application_stage_stats_seconds",
            "job_id",
            "stage_id",
            "seconds",
            "applied_at",
            "source",
        ),
        # "Active now" and drop-off: one row per application is its current stage, with the
        # reason and origin of the move that put it there.
        Index(
            "ix_application_stage_stats_current",
            "job_id",
            "is_current",
            "applied_at",
            "stage_id",
            "source",
            "reason",
            "from_stage_id",
        ),
        # "Reached": one row per application is its furthest progression stage.
        Index(
            "ix_application_stage_stats_furthest",
            "job_id",
            "is_furthest",
            "applied_at",
            "stage_id",
            "source",
        ),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True
    )
    # Copied from the application and candidate, so the funnel filters without joins.
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(60))
    entries: Mapped[int] = mapped_column(default=1)  # moves into the stage
    seconds: Mapped[float | None] = mapped_column(Float)  # total of the completed stays
    is_furthest: Mapped[bool] = mapped_column(default=False)
    is_current: Mapped[bool] = mapped_column(default=False)
    # The latest move into the stage: its reason category (rejections, withdrawals) and origin.
    reason: Mapped[str] = mapped_column(String(60), default="")
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))

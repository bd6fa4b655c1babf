"""Keep `application_stage_stats` in step with stage transitions (see app/models/stage_stats.py).

`record_entry` and `record_move` are called by `operations.apply` and `operations.move`, in the
same transaction as the transition they describe. `rebuild` recomputes the table from
`stage_transitions` in SQL: after bulk loads, and as the reference the tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, delete, false, func, insert, select, true, tuple_, update

from app.extensions import db
from app.models import (
    Application,
    ApplicationStageStats,
    Candidate,
    Stage,
    StageKind,
    StageTransition,
)
from app.pipeline.reasons import reason_category, reason_category_sql
from app.timespan import seconds_between

PROGRESSION = (StageKind.NORMAL, StageKind.HIRED)
CLOSING = (StageKind.REJECTED, StageKind.WITHDRAWN)


def _in_progression(stage: Stage) -> bool:
    return stage.kind in PROGRESSION


def record_entry(application: Application, source: str, stage: Stage, at: datetime) -> None:
    """The application entered its first stage (it was just created)."""
    db.session.add(
        ApplicationStageStats(
            application_id=application.id,
            stage_id=stage.id,
            job_id=application.job_id,
            applied_at=application.applied_at,
            source=source,
            entries=1,
            seconds=None,
            is_furthest=_in_progression(stage),
            is_current=True,
            reason="",
            from_stage_id=None,
        )
    )


def record_move(
    application: Application,
    from_stage: Stage,
    entered_at: datetime,
    to_stage: Stage,
    at: datetime,
    reason: str,
) -> None:
    """The application left `from_stage` (entered at `entered_at`) for `to_stage` at `at`."""
    key = {"application_id": application.id}
    stay = (at - entered_at).total_seconds()
    left = db.session.get(ApplicationStageStats, (application.id, from_stage.id))
    if left is None:  # rows written before this table existed: rebuild() fills them in
        return
    left.seconds = (left.seconds or 0.0) + stay
    left.is_current = False
    entered = db.session.get(ApplicationStageStats, (application.id, to_stage.id))
    if entered is None:
        entered = ApplicationStageStats(
            **key,
            stage_id=to_stage.id,
            job_id=application.job_id,
            applied_at=left.applied_at,
            source=left.source,
            entries=0,
            seconds=None,
            is_furthest=False,
        )
        db.session.add(entered)
    entered.entries = (entered.entries or 0) + 1
    entered.is_current = True
    entered.reason = reason_category(reason) if to_stage.kind in CLOSING else ""
    entered.from_stage_id = from_stage.id
    if not _in_progression(to_stage):
        return
    furthest = db.session.scalar(
        select(ApplicationStageStats).where(
            ApplicationStageStats.application_id == application.id,
            ApplicationStageStats.is_furthest == true(),
        )
    )
    furthest_stage = db.session.get(Stage, furthest.stage_id) if furthest else None
    if furthest_stage is None or to_stage.position > furthest_stage.position:
        if furthest is not None:
            furthest.is_furthest = False
        entered.is_furthest = True


def rebuild(job_ids: Iterable[int] | None = None) -> None:
    """Recompute the rows of the given jobs (all jobs by default) from their transitions."""
    table = ApplicationStageStats.__table__
    jobs = list(job_ids) if job_ids is not None else None
    job_filter = Application.job_id.in_(jobs) if jobs is not None else true()
    db.session.execute(
        delete(ApplicationStageStats).where(
            ApplicationStageStats.application_id.in_(select(Application.id).where(job_filter))
        )
    )
    # Each transition starts a stay in its target stage, which ends at the next transition.
    closing = Stage.kind.in_(CLOSING)
    stays = (
        select(
            StageTransition.application_id,
            StageTransition.to_stage_id.label("stage_id"),
            StageTransition.from_stage_id,
            case(
                (closing, reason_category_sql(StageTransition.__table__.c.reason)), else_=""
            ).label("reason"),
            seconds_between(
                func.lead(StageTransition.at).over(
                    partition_by=StageTransition.application_id,
                    order_by=(StageTransition.at, StageTransition.id),
                ),
                StageTransition.at,
            ).label("seconds"),
            # 1 for the latest move into each stage: its reason and origin are kept.
            func.row_number()
            .over(
                partition_by=(StageTransition.application_id, StageTransition.to_stage_id),
                order_by=(StageTransition.at.desc(), StageTransition.id.desc()),
            )
            .label("recency"),
        )
        .join(Application, Application.id == StageTransition.application_id)
        .join(Stage, Stage.id == StageTransition.to_stage_id)
        .where(job_filter)
        .subquery()
    )
    latest = stays.c.recency == 1
    per_stage = (
        select(
            stays.c.application_id,
            stays.c.stage_id,
            func.count().label("entries"),
            func.sum(stays.c.seconds).label("seconds"),
            func.max(case((latest, stays.c.reason))).label("reason"),
            func.max(case((latest, stays.c.from_stage_id))).label("from_stage_id"),
        )
        .group_by(stays.c.application_id, stays.c.stage_id)
        .subquery()
    )
    db.session.execute(
        insert(table).from_select(
            [
                "application_id",
                "stage_id",
                "job_id",
                "applied_at",
                "source",
                "entries",
                "seconds",
                "is_furthest",
                "is_current",
                "reason",
                "from_stage_id",
            ],
            select(
                per_stage.c.application_id,
                per_stage.c.stage_id,
                Application.job_id,
                Application.applied_at,
                Candidate.source,
                per_stage.c.entries,
                per_stage.c.seconds,
                false(),
                Application.stage_id == per_stage.c.stage_id,
                per_stage.c.reason,
                per_stage.c.from_stage_id,
            )
            .join(Application, Application.id == per_stage.c.application_id)
            .join(Candidate, Candidate.id == Application.candidate_id),
        )
    )
    # Flag, per application, the progression stage with the highest position it entered.
    scope = ApplicationStageStats.job_id.in_(jobs) if jobs is not None else true()
    ranked = (
        select(
            ApplicationStageStats.application_id,
            ApplicationStageStats.stage_id,
            func.row_number()
            .over(
                partition_by=ApplicationStageStats.application_id,
                order_by=Stage.position.desc(),
            )
            .label("rank"),
        )
        .join(Stage, Stage.id == ApplicationStageStats.stage_id)
        .where(scope, Stage.kind.in_(PROGRESSION))
        .subquery()
    )
    furthest = select(ranked.c.application_id, ranked.c.stage_id).where(ranked.c.rank == 1)
    db.session.execute(
        update(ApplicationStageStats)
        .where(
            tuple_(ApplicationStageStats.application_id, ApplicationStageStats.stage_id).in_(
                furthest
            )
        )
        .values(is_furthest=True)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()

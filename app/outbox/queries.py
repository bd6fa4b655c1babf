"""Read-only numbers about the queue and the outbox, for `flask queue status`, /metrics, /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import GradingRun, OutboxTask, RunStatus

DURATION_BUCKETS_S = (1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class RunningRun:
    run_id: int
    owner: str
    attempt: int
    running_s: float  # since the worker claimed it
    lease_left_s: float  # negative: expired, the sweeper re-queues it


@dataclass(frozen=True)
class QueueStatus:
    runs_by_status: dict[str, int]
    oldest_queued_s: float | None
    running: list[RunningRun]
    failed_last_hour: int
    outbox_backlog: dict[str, int]  # pending tasks per kind
    outbox_lag_s: float  # how long the most overdue pending task has been due (0: none)

    @property
    def queued(self) -> int:
        return self.runs_by_status.get(RunStatus.QUEUED.value, 0)


def queue_status(now: datetime) -> QueueStatus:
    by_status = {
        str(status): count
        for status, count in db.session.execute(
            select(GradingRun.status, func.count()).group_by(GradingRun.status)
        )
    }
    oldest = db.session.scalar(
        select(func.min(GradingRun.queued_at)).where(GradingRun.status == RunStatus.QUEUED)
    )
    running = [
        RunningRun(
            run.id,
            run.lease_owner or "",
            run.attempts,
            _age(now, run.started_at),
            (run.lease_expires_at - now).total_seconds() if run.lease_expires_at else 0.0,
        )
        for run in db.session.scalars(
            select(GradingRun).where(GradingRun.status == RunStatus.RUNNING).order_by(GradingRun.id)
        )
    ]
    failed = db.session.scalar(
        select(func.count()).where(
            GradingRun.status == RunStatus.FAILED,
            GradingRun.finished_at >= now - timedelta(hours=1),
        )
    )
    backlog = dict(
        db.session.execute(
            select(OutboxTask.kind, func.count())
            .where(OutboxTask.done_at.is_(None))
            .group_by(OutboxTask.kind)
        ).all()
    )
    earliest_due = db.session.scalar(
        select(func.min(OutboxTask.due_at)).where(OutboxTask.done_at.is_(None))
    )
    lag = max(0.0, _age(now, earliest_due)) if earliest_due else 0.0
    return QueueStatus(
        by_status, _age(now, oldest) if oldest else None, running, failed or 0, backlog, lag
    )


def _age(now: datetime, then: datetime | None) -> float:
    return (now - then).total_seconds() if then else 0.0


def duration_histogram() -> tuple[list[tuple[str, int]], float, int]:
    """Cumulative (bucket, count) of graded runs' durations, their sum and count."""
    row = db.session.execute(
        select(
            *(
                func.count().filter(GradingRun.duration_s <= bound)
                for bound in DURATION_BUCKETS_S
            ),
            func.count(),
            func.coalesce(func.sum(GradingRun.duration_s), 0.0),
        ).where(GradingRun.status == RunStatus.GRADED, GradingRun.duration_s.is_not(None))
    ).one()
    within = row[: len(DURATION_BUCKETS_S)]
    buckets = [(str(b), int(n)) for b, n in zip(DURATION_BUCKETS_S, within, strict=True)]
    total = int(row[len(DURATION_BUCKETS_S)])
    return [*buckets, ("+Inf", total)], float(row[-1]), total


def outcomes() -> dict[tuple[str, str], int]:
    """Finished runs by (status, verdict)."""
    return {
        (str(status), verdict or "none"): count
        for status, verdict, count in db.session.execute(
            select(GradingRun.status, GradingRun.verdict, func.count())
            .where(GradingRun.status.in_([RunStatus.GRADED, RunStatus.FAILED]))
            .group_by(GradingRun.status, GradingRun.verdict)
        )
    }

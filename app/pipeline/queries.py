"""Read-only queries for pipeline pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Job


def jobs_with_counts() -> list[tuple[Job, int]]:
    rows = db.session.execute(
        select(Job, func.count(Application.id))
        .outerjoin(Application, Application.job_id == Job.id)
        .group_by(Job.id)
        .order_by(Job.created_at.desc())
    )
    return [(job, count) for job, count in rows]


def applications_by_stage(job: Job) -> dict[int, list[Application]]:
    applications = db.session.scalars(
        select(Application)
        .where(Application.job_id == job.id)
        .options(db.joinedload(Application.candidate))
        .order_by(Application.stage_entered_at)
    )
    grouped: dict[int, list[Application]] = {stage.id: [] for stage in job.stages}
    for application in applications:
        grouped[application.stage_id].append(application)
    return grouped

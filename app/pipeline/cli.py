"""`flask pipeline rebuild-stats`: recompute the funnel's stage statistics."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app import assessment_upkeep as upkeep
from app.extensions import db
from app.models import Job
from app.pipeline import stage_stats

pipeline_group = AppGroup("pipeline", help="The hiring pipeline.")


@pipeline_group.command("rebuild-stats")
@click.option("--job", "job_ids", type=int, multiple=True, help="Only this job (repeatable).")
def rebuild_stats_command(job_ids: tuple[int, ...]) -> None:
    """Recompute the funnel's application_stage_stats from the stage transitions."""
    stage_stats.rebuild(list(job_ids) or None)
    upkeep.touch_jobs(job_ids or db.session.scalars(select(Job.id)))  # cached funnels
    db.session.commit()
    click.echo("Stage statistics rebuilt" + (f" for jobs {list(job_ids)}." if job_ids else "."))

"""`flask assessment rebuild`: recompute the assessment reports' derived tables."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import assessment_upkeep as upkeep
from app.extensions import db

assessment_group = AppGroup("assessment", help="The assessment reports.")


@assessment_group.command("rebuild")
def rebuild_command() -> None:
    """Recompute the assessment reports' derived tables from the source tables (after a bulk
    load, or after `flask pipeline rebuild-stats`: the furthest stages come from there)."""
    upkeep.rebuild()
    db.session.commit()
    click.echo("Assessment observations rebuilt.")

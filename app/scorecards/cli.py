"""`flask scorecards check`: validate every rubric and interview kit."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.scorecards.catalog import load_catalog
from app.scorecards.source import RubricError

scorecards_group = AppGroup("scorecards", help="Rubrics and scorecards.")


@scorecards_group.command("check")
def check_rubrics() -> None:
    """Validate every rubric and interview kit in RUBRICS_DIR."""
    try:
        installed = load_catalog(Path(current_app.config["RUBRICS_DIR"]))
    except RubricError as error:
        raise click.ClickException(str(error)) from error
    for rubric in installed.rubrics.values():
        click.echo(f"rubric {rubric.id} v{rubric.version}: {len(rubric.dimensions)} dimensions")
    for kit in installed.kits.values():
        click.echo(f"kit {kit.id} v{kit.version}: {', '.join(kit.dimensions)}")

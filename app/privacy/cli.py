"""`flask retention`: erase candidates closed longer than the retention period."""

from __future__ import annotations

from datetime import timedelta

import click

from app.auth import rate_limit
from app.extensions import db
from app.models import now_utc
from app.privacy import erasure


@click.command("retention")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    required=True,
    help="Keep closed candidates this many days.",
)
@click.option("--dry-run", is_flag=True, help="List who would be erased; change nothing.")
def retention_command(days: int, dry_run: bool) -> None:
    """Erase candidates whose every application closed (hired, rejected, withdrawn) more than
    DAYS days ago; also forget rate-limit hits older than a day."""
    due = erasure.candidates_past_retention(days)
    if dry_run:
        click.echo(f"{len(due)} candidate(s) would be erased: {[c.id for c in due]}")
        return
    for candidate in due:
        erasure.erase_candidate(candidate, None, why=f"retention {days} days")
    rate_limit.purge(now_utc() - timedelta(days=1))
    db.session.commit()
    click.echo(f"Erased {len(due)} candidate(s) closed more than {days} days ago.")

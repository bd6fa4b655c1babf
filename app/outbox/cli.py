"""`flask worker` (a Huey consumer and the outbox sweeper), `flask queue status` (what is queued,
running, failed, and not yet dispatched) and `flask queue sweep` (one outbox sweep now, as every
worker does periodically)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from huey import Huey

from app.models import now_utc
from app.outbox import queries
from app.outbox.sweeper import Sweeper, sweep

queue_group = AppGroup("queue", help="Watch the grading queue and the outbox.")


@queue_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def status_command(as_json: bool) -> None:
    """Queued and running runs (with lease age), oldest queued, failures, outbox backlog."""
    status = queries.queue_status(now_utc())
    try:
        broker = str(current_app.extensions["outbox"].huey.pending_count())
    except Exception as error:  # the broker is down: say so, the rest still answers
        broker = f"unreachable ({type(error).__name__}: {error})"
    if as_json:
        click.echo(json.dumps({**asdict(status), "queued": status.queued, "broker": broker}))
        return
    oldest = f"{status.oldest_queued_s:.0f} s ago" if status.oldest_queued_s is not None else "-"
    click.echo(f"queued:             {status.queued} (oldest {oldest})")
    click.echo(f"running:            {len(status.running)}")
    for run in status.running:
        lease = (
            f"lease ends in {run.lease_left_s:.0f} s"
            if run.lease_left_s >= 0
            else f"LEASE EXPIRED {-run.lease_left_s:.0f} s ago"
        )
        click.echo(
            f"  run {run.run_id} attempt {run.attempt} on {run.owner}: "
            f"{run.running_s:.0f} s, {lease}"
        )
    click.echo(f"failed last hour:   {status.failed_last_hour}")
    backlog = ", ".join(f"{k} {n}" for k, n in sorted(status.outbox_backlog.items())) or "none"
    click.echo(f"outbox backlog:     {backlog} (most overdue {status.outbox_lag_s:.0f} s)")
    click.echo(f"broker messages:    {broker}")
    click.echo(
        "graded / failed:    "
        f"{status.runs_by_status.get('graded', 0)} / {status.runs_by_status.get('failed', 0)}"
    )


@queue_group.command("sweep")
def sweep_command() -> None:
    """Re-dispatch lost side effects now (workers do this every OUTBOX_SWEEP_SECONDS)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = sweep(app, timedelta(seconds=app.config["OUTBOX_REDISPATCH_SECONDS"]))
    click.echo(
        f"re-dispatched {len(report.redispatched)}, adopted {len(report.adopted)}, "
        f"completed {report.completed}, released {len(report.released)} expired lease(s)"
    )


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Grading threads in this process.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run a grading worker (Huey consumer and outbox sweeper); start more on any machine that
    shares the database."""
    if workers < 1:
        raise click.UsageError("--workers must be at least 1.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    huey: Huey = app.extensions["outbox"].huey
    click.echo(f"Grading worker: {workers} thread(s) on {app.config['QUEUE_URL']}")
    sweeper = Sweeper(
        app,
        app.config["OUTBOX_SWEEP_SECONDS"],
        timedelta(seconds=app.config["OUTBOX_REDISPATCH_SECONDS"]),
    )
    sweeper.start()
    try:
        huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()
    finally:
        sweeper.stopped.set()

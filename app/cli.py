"""`flask seed-demo`, and the registration of every feature's commands (thin wrappers that parse,
call one operation and commit; each feature's own in its cli.py)."""

from __future__ import annotations

import click
from flask import Flask

from app.commit import run_and_commit_command


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when any user exists.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo job, staff and candidates, and print the demo logins."""
    from app import demo

    if if_empty and demo.database_has_users():
        click.echo("Demo data already loaded (database not empty).")
    else:
        run_and_commit_command(
            lambda: demo.seed(assessment_cohort=True), "Run it on an empty database."
        )
        click.echo("Demo data loaded.")
    click.echo("Demo logins (password for all: " + demo.DEMO_PASSWORD + "):")
    for email, role in demo.staff_logins():
        click.echo(f"  {role:<12} {email}")


def register_commands(app: Flask) -> None:
    """Every command that needs the app, from each feature's cli module: the one registration.
    `flask grade` alone is a `flask.commands` entry point (setup.cfg): it grades a file without
    building the app, so `flask --app wsgi grade` starts in a fraction of the time."""
    from app.api.cli import create_token_command
    from app.auth.cli import create_user_command
    from app.grading.exercises_cli import exercises_group
    from app.notifications.cli import notifications_group
    from app.outbox.cli import queue_group, worker_command
    from app.pipeline.cli import pipeline_group
    from app.privacy.cli import retention_command
    from app.reports.cli import assessment_group
    from app.scorecards.cli import scorecards_group

    commands = (
        create_user_command,
        create_token_command,
        seed_demo_command,
        worker_command,
        queue_group,
        retention_command,
        exercises_group,
        pipeline_group,
        scorecards_group,
        notifications_group,
        assessment_group,
    )
    for command in commands:
        app.cli.add_command(command)

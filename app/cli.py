"""Flask CLI commands: thin wrappers that parse, call one operation and commit."""

from __future__ import annotations

import click
from flask import Flask

from app.auth import operations as auth_operations
from app.errors import DomainError
from app.extensions import db
from app.models import Role


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role if r is not Role.CANDIDATE])
)
@click.password_option(help="At least 10 characters; asked for when omitted.")
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account (admin, recruiter or interviewer)."""
    try:
        user = auth_operations.create_user(email, name, Role(role), password)
    except DomainError as error:
        db.session.rollback()
        raise click.UsageError(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when any user exists.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo job, staff and candidates, and print the demo logins."""
    from app import demo

    if if_empty and demo.database_has_users():
        click.echo("Demo data already loaded (database not empty).")
    else:
        try:
            demo.seed(assessment_cohort=True)
        except DomainError as error:
            db.session.rollback()
            raise click.UsageError(f"{error.message} Run it on an empty database.") from error
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo("Demo logins (password for all: " + demo.DEMO_PASSWORD + "):")
    for email, role in demo.staff_logins():
        click.echo(f"  {role:<12} {email}")


def register_commands(app: Flask) -> None:
    from app.grading.exercises_cli import exercises_group
    from app.outbox.cli import queue_group, worker_command
    from app.privacy.views import retention_command

    commands = (create_user_command, seed_demo_command, worker_command)  # `grade`: setup.cfg
    for command in (*commands, retention_command, exercises_group, queue_group):
        app.cli.add_command(command)

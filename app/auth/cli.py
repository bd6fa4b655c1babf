"""`flask create-user`: a staff account (admin, recruiter or interviewer)."""

from __future__ import annotations

import click

from app.auth import operations as auth_operations
from app.commit import run_and_commit_command
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
    user = run_and_commit_command(
        lambda: auth_operations.create_user(email, name, Role(role), password)
    )
    click.echo(f"Created {user.role.value} {user.email}.")

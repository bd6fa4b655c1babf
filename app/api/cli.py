"""`flask create-token`: an API token for a user, printed once (only its hash is stored)."""

from __future__ import annotations

import click

from app.api import tokens
from app.auth.operations import find_user_by_email
from app.errors import DomainError
from app.extensions import db


@click.command("create-token")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What will use the token.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token for a user and print it (once; only its hash is stored)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.UsageError(f"No user has the email {email}; create the user first.")
    try:
        _, plain = tokens.create_token(user, name)
    except DomainError as error:
        db.session.rollback()
        raise click.UsageError(error.message) from error
    db.session.commit()
    click.echo(plain)

"""The commit helper of views (and commands): run one operation, commit, and tell the user how it
went.

Operations flush and never commit (ARCHITECTURE.md); the request owns the transaction. This is
the one place a view turns a DomainError into a rolled-back transaction and a message — flashed,
or attached to the form's fields when the page shows the form again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import click
from flask import flash
from flask_wtf import FlaskForm

from app.errors import DomainError, DomainErrors
from app.extensions import db
from app.forms import apply_domain_error

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """The operation committed; `value` is what it returned."""

    value: T


def run_and_commit(
    action: Callable[[], T],
    success: str | Callable[[T], str] | None = None,
    *,
    form: FlaskForm | None = None,
    on_error: Callable[[DomainError], None] | None = None,
) -> Done[T] | None:
    """Run `action`; on a DomainError roll back and report it (on `form`'s fields when given, else
    flashed: one message per error of a DomainErrors), hand it to `on_error` when the page shows
    more of it, and return None; otherwise commit, flash `success` (a text, or made from the
    result after the commit) and return Done(result)."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            apply_domain_error(form, error)
        else:
            for each in error.errors if isinstance(error, DomainErrors) else [error]:
                flash(each.message, "error")
        if on_error is not None:
            on_error(error)
        return None
    db.session.commit()
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    return Done(result)


def run_and_commit_command(action: Callable[[], T], advice: str = "") -> T:
    """A command's `run_and_commit`: on a DomainError roll back and stop with a usage error (its
    message, then `advice`); otherwise commit and return the result."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        raise click.UsageError(f"{error.message} {advice}".strip()) from error
    db.session.commit()
    return result

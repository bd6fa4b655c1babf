"""Role-based access: every view declares who may use it, and a guard enforces it.

The guard fails closed: a view that declares nothing answers 403 to everyone, and the
route-walking test in tests/auth/test_access.py fails, so a new route cannot ship unguarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from app.extensions import login_manager
from app.models import Role

View = TypeVar("View", bound=Callable[..., Any])

PUBLIC = frozenset({"public"})
ROLES_ATTRIBUTE = "allowed_roles"


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Declare the roles that may use a view (signed-in users only)."""
    if not roles:
        raise ValueError("name at least one role, or use @public")

    def declare(view: View) -> View:
        setattr(view, ROLES_ATTRIBUTE, frozenset(roles))
        return view

    return declare


def public(view: View) -> View:
    """Declare a view open to anonymous visitors (login page, invite links)."""
    setattr(view, ROLES_ATTRIBUTE, PUBLIC)
    return view


def allowed_roles(endpoint: str) -> frozenset[Any] | None:
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ROLES_ATTRIBUTE, None)


def enforce_roles() -> Any:
    """before_request hook: anonymous → login, wrong role or undeclared view → 403."""
    if request.endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    roles = allowed_roles(request.endpoint)
    if roles is None:
        abort(403)
    if roles is PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None

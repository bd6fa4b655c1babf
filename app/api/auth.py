"""Bearer-token authentication for the API, run before the role guard.

On /api/ the session cookie is ignored: the request acts as the token's user (so the role guard
and object-level checks apply unchanged), and a request without a valid token is refused with 401
before it reaches any view. CSRF does not apply there (the blueprint is exempt): a browser never
attaches an Authorization header on its own, so cross-site requests cannot carry credentials.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_login import AnonymousUserMixin

from app.api.errors import error_response
from app.api.tokens import user_for_token
from app.auth.access import PUBLIC, allowed_roles
from app.extensions import db

API_BLUEPRINT = "api"


def authenticate_api_request() -> Any:
    """before_request: resolve the bearer token of an API request into the acting user."""
    if request.blueprint != API_BLUEPRINT or request.endpoint is None:
        return None
    # Flask-Login reads the current user from g._login_user first: setting it here means the
    # session cookie is never consulted for API requests.
    g._login_user = AnonymousUserMixin()
    if allowed_roles(request.endpoint) is PUBLIC:
        return None
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return error_response(
            401, "Send your API token in the header 'Authorization: Bearer <token>'."
        )
    user = user_for_token(credentials.strip())
    if user is None:
        db.session.rollback()
        return error_response(
            401, "This API token is unknown or revoked, or its account is deactivated."
        )
    db.session.commit()  # last_used_at, when it moved
    g._login_user = user
    return None

"""HTTP security: headers on every response, proxy awareness, and refusing compressed bodies."""

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import DataError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.extensions import db

# Ids are 32-bit integers on every backend; a larger one in a URL matches no route (404).
MAX_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def init_app(app: Flask) -> None:
    """Trust X-Forwarded-* from TRUSTED_PROXY_HOPS proxies (so `request.is_secure` and the
    client address are right behind a TLS-terminating proxy) and refuse compressed bodies."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.before_request(refuse_encoded_bodies)
    app.session_interface = HttpsAwareSessionInterface()
    app.url_map.converters["int"] = IdConverter
    app.register_error_handler(OverflowError, out_of_range)
    app.register_error_handler(DataError, out_of_range)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: at most MAX_ID, so no lookup overflows the database column."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def out_of_range(error: Exception):
    """A number (or text) from the request that the database cannot hold: the client's error, so
    400 with a message rather than a 500; the transaction is rolled back, nothing is written."""
    db.session.rollback()
    message = "A value in the request is out of range (a number too large?). Check it and retry."
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": 400, "message": message}}), 400
    return render_template("error.html", code=400, title="Bad request", message=message), 400


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie (the only cookie: it also holds the CSRF token) is Secure when
    SECURE_COOKIES says so, and on every request that arrived over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def refuse_encoded_bodies():
    """Request bodies are never inflated: a gzip "bomb" can't grow past MAX_CONTENT_LENGTH."""
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    message = (
        f"Compressed request bodies ({encoding}) are not accepted. "
        "Send the file uncompressed; the upload limit applies to its real size."
    )
    return render_template(
        "error.html", code=415, title="Compressed upload refused", message=message
    ), 415


def set_security_headers(response: Response) -> Response:
    # Pages, exports and downloads carry personal data: no browser or proxy may keep a copy
    # (static assets excepted: they are the same for everyone).
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response

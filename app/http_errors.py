"""Friendly pages for HTTP errors: say what went wrong and what to do."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address. Check the link."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is larger than allowed. Make the file smaller and retry."),
}


def render_http_error(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, (error.name, error.description or ""))
    return render_template("error.html", code=code, title=title, message=message), code


def render_csrf_error(error: CSRFError):
    message = (
        "The form expired or did not come from this site. Reload the page and submit it again."
    )
    return render_template("error.html", code=400, title="Form expired", message=message), 400


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_error)
    for code in MESSAGES:
        app.register_error_handler(code, render_http_error)

"""The partner endpoints an ATS calls (Greenhouse Assessment Partner API), and the signed review
link its users follow. Thin: authenticate, read the contract, call one operation, commit.

The endpoints are public to the role guard and CSRF-exempt: they authenticate with HTTP Basic
(the connection's API key), never with a session cookie, which is ignored here.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from app.auth.access import public, roles_required
from app.auth.policy import STAFF
from app.extensions import csrf, db
from app.integrations import connections, contract, operations, status
from app.integrations.contract import ContractError
from app.models import AtsConnection

bp = Blueprint("ats", __name__, url_prefix="/integrations/greenhouse")
review_bp = Blueprint("ats_review", __name__, url_prefix="/integrations")
csrf.exempt(bp)
MAX_BODY = 64 * 1024


def errors(status_code: int, message: str) -> Response:
    response = jsonify(errors=[message])
    response.status_code = status_code
    if status_code == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="HireLab assessment partner"'
    return response


@bp.errorhandler(ContractError)
def _refused(error: ContractError) -> Response:
    db.session.rollback()  # a refused request writes nothing
    return errors(error.status, error.message)


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> Response:
    db.session.rollback()
    code = error.code or 500
    if code == 405:
        return errors(405, f"{request.path} does not accept {request.method}.")
    return errors(code, error.description or error.name)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    db.session.rollback()
    current_app.logger.exception("ATS partner request failed")
    return errors(500, "Something failed on HireLab's side; nothing was saved. Try again.")


def _connection() -> AtsConnection:
    g._login_user = AnonymousUserMixin()  # a session cookie never acts here
    key = connections.basic_auth_key(request.headers.get("Authorization", ""))
    if key is None:
        raise ContractError(
            401, "Authenticate with HTTP Basic: the HireLab API key as the user name, no password."
        )
    connection = connections.connection_for_key(key)
    if connection is None:
        db.session.rollback()
        raise ContractError(
            401, "This API key is unknown or was revoked: ask a HireLab admin for a new one."
        )
    return connection


def _json_body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise ContractError(413, f"The body is larger than {MAX_BODY // 1024} KiB.")
    return contract.json_object(request.get_data(cache=False))


@bp.get("/list_tests")
@public
def list_tests():
    connection = _connection()
    tests = operations.partner_tests(connection, current_app.config["EXERCISES_DIR"])
    db.session.commit()  # last_used_at
    return jsonify(
        [
            {"partner_test_id": test.partner_test_id, "partner_test_name": test.partner_test_name}
            for test in tests
        ]
    )


def _invite_link(token: str) -> str:
    return url_for("auth.redeem_invite", token=token, _external=True)


@bp.post("/send_test")
@public
def send_test():
    connection = _connection()
    order = contract.send_test(_json_body())
    try:
        placed, _ = operations.send_test(connection, order, current_app.config, _invite_link)
        db.session.commit()
    except IntegrityError:  # the same order placed concurrently: answer with the one that won
        db.session.rollback()
        placed = operations.existing_order(_connection(), order)
        if placed is None:
            raise
    return jsonify(partner_interview_id=placed.partner_interview_id)


def _review_url(token: str) -> str:
    return url_for("ats_review.review", token=token, _external=True)


@bp.get("/test_status")
@public
def test_status():
    connection = _connection()
    order = operations.order_for(connection, contract.interview_id(request.args))
    body = status.test_status(order, _review_url)
    db.session.commit()
    return jsonify(body)


@bp.post("/response_error")
@public
def response_error():
    """Greenhouse reports a response of ours it could not read: logged for the operators."""
    connection = _connection()
    report = _json_body()
    current_app.logger.warning(
        "ATS connection %s reported a malformed response to %s: %s",
        connection.id,
        str(report.get("api_call", "?"))[:40],
        str(report.get("errors", []))[:2000],
    )
    db.session.commit()
    return jsonify(status=200)


@bp.route("/<path:anything>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
@public
def unknown(anything: str):
    raise ContractError(
        404,
        f"No {request.method} endpoint at {request.path}: GET list_tests and test_status, "
        "POST send_test and response_error.",
    )


@review_bp.get("/review/<token>")
@roles_required(*STAFF)
def review(token: str):
    """The signed link an ATS shows: to the review page, which checks who may see it."""
    partner_interview_id = status.order_id_from_token(token)
    order = operations.order_by_interview_id(partner_interview_id) if partner_interview_id else None
    run = status.latest_graded_run(order) if order is not None else None
    if run is None:
        abort(404)
    return redirect(url_for("grading.review", submission_id=run.submission_id))

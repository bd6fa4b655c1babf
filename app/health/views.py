"""/healthz (the process answers), /readyz (it can reach what it needs) and /metrics."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST

from app.auth.access import public
from app.extensions import csrf
from app.health import checks, metrics
from app.models import Role

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    ready, results = checks.readiness(current_app.config["READY_CHECKS"])
    return jsonify({"status": "ready" if ready else "not ready", "checks": results}), (
        200 if ready else 503
    )


@bp.get("/metrics")
@public  # admins by session, Prometheus by METRICS_TOKEN: checked below
def prometheus_metrics():
    if not _may_scrape():
        return Response(
            "Sign in as an admin, or send 'Authorization: Bearer <METRICS_TOKEN>'.\n",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(metrics.render(), mimetype=CONTENT_TYPE_LATEST)


def _may_scrape() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return bool(current_user.is_authenticated and current_user.role is Role.ADMIN)


csrf.exempt(bp)

"""HireLab: create_app wires configuration, extensions, blueprints and CLI — nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import REPO_ROOT, Config, instance_secret


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    instance_path = Path(app.instance_path)
    app.config.update(Config(instance_path).as_dict())
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(instance_path)

    from app import extensions, http_errors, security
    from app.auth.access import enforce_roles
    from app.models import User

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(REPO_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "auth.login"
    extensions.login_manager.login_message = "Sign in to continue."
    extensions.login_manager.user_loader(
        lambda user_id: extensions.db.session.get(User, int(user_id))
    )
    app.before_request(enforce_roles)
    app.after_request(security.set_security_headers)
    http_errors.register_error_pages(app)

    from app.grading.tasks import init_grading_queue

    init_grading_queue(app)

    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.grading.portal import bp as portal_bp
    from app.grading.views import bp as grading_bp
    from app.main.views import bp as main_bp
    from app.pipeline.views import bp as pipeline_bp
    from app.reports.views import bp as reports_bp

    blueprints = (main_bp, auth_bp, pipeline_bp, reports_bp, admin_bp, portal_bp, grading_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    from app.scorecards.views import bp as scorecards_bp

    app.register_blueprint(scorecards_bp)

    from app.cli import register_commands

    register_commands(app)
    return app

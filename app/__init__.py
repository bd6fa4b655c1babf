"""HireLab: create_app wires configuration, extensions, blueprints and CLI — nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import REPO_ROOT, instance_secret, load


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    instance_path = Path(app.instance_path)
    app.config.update(load(instance_path, overrides=config))  # ConfigError names a bad setting
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(instance_path)

    from app import extensions, http_errors, security, timezones
    from app.auth.access import enforce_roles

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(REPO_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "auth.login"
    extensions.login_manager.login_message = "Sign in to continue."
    from app.auth.sessions import load_user

    extensions.login_manager.user_loader(load_user)
    from app.api.auth import authenticate_api_request

    app.before_request(authenticate_api_request)  # before the guard: API requests act as a token
    app.before_request(enforce_roles)
    app.after_request(security.set_security_headers)
    security.init_app(app)
    timezones.init_app(app)
    http_errors.register_error_pages(app)
    from app.api.errors import json_for_unrouted_api_paths

    json_for_unrouted_api_paths(app)

    from app.grading.tasks import init_grading_queue
    from app.mail import init_mail_task
    from app.outbox.dispatch import init_outbox
    from app.queue import make_queue
    from app.webhooks.tasks import init_webhook_tasks

    huey = make_queue(app.config["QUEUE_URL"], app.config["QUEUE_NAME"])
    dispatcher = init_outbox(app, huey)
    init_grading_queue(app, huey, dispatcher)
    init_webhook_tasks(app, huey, dispatcher)
    init_mail_task(app, huey, dispatcher)
    from app.integrations.tasks import init_ats_callback_tasks

    init_ats_callback_tasks(app, huey, dispatcher)
    from app.notifications.tasks import init_notification_tasks

    init_notification_tasks(app, huey)

    from app.health.views import bp as health_bp

    app.register_blueprint(health_bp)

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

    from app.privacy.views import bp as privacy_bp
    from app.similarity.views import bp as similarity_bp

    app.register_blueprint(privacy_bp)
    app.register_blueprint(similarity_bp)
    from app.authorship.views import bp as authorship_bp

    app.register_blueprint(authorship_bp)

    from app.grading.self_id_portal import bp as self_id_bp
    from app.reports.assessment_views import bp as assessment_bp

    app.register_blueprint(self_id_bp)
    app.register_blueprint(assessment_bp)

    from app.api.token_views import bp as api_tokens_bp
    from app.api.views import bp as api_bp
    from app.webhooks.views import bp as webhooks_bp

    for blueprint in (api_bp, api_tokens_bp, webhooks_bp):
        app.register_blueprint(blueprint)
    from app.integrations.admin_views import bp as ats_admin_bp
    from app.integrations.views import bp as ats_bp
    from app.integrations.views import review_bp as ats_review_bp

    for blueprint in (ats_bp, ats_review_bp, ats_admin_bp):
        app.register_blueprint(blueprint)

    from app.account.views import bp as account_bp
    from app.messages.views import bp as messages_bp
    from app.notifications.views import bp as notifications_bp
    from app.profiles.views import bp as profiles_bp
    from app.scorecards.scheduling_views import bp as scheduling_bp
    from app.search.views import bp as search_bp

    for blueprint in (
        account_bp,
        messages_bp,
        notifications_bp,
        profiles_bp,
        scheduling_bp,
        search_bp,
    ):
        app.register_blueprint(blueprint)

    from app.cli import register_commands

    register_commands(app)
    _report_broken_files(app)
    return app


def _report_broken_files(app: Flask) -> None:
    """Validate every exercise.yaml, rubric and kit once at start (they stay cached) and log
    each problem as `file:line: field: message`; the pages that need a broken file say so."""
    from app.grading.exercises import exercise_problems
    from app.scorecards.catalog import catalog_problems

    problems = [
        *exercise_problems(Path(app.config["EXERCISES_DIR"])),
        *catalog_problems(Path(app.config["RUBRICS_DIR"])),
    ]
    for problem in problems:
        app.logger.error("invalid file: %s", problem)

"""Every setting HireLab reads from the environment, declared once: variable, type, default, doc.

`load` parses and checks all of them when the app is created (and `server_settings` when gunicorn
starts), so a bad value stops the process at start with a message naming the variable — never a
500 on the first request or a failed grading run. No other module reads `os.environ` for a
setting; they read `app.config` (or, without an app, `load`). The README's Configuration table
lists the same variables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.settings_types import (
    SANDBOX_BACKENDS,
    Limit,
    choice,
    comma_list,
    database_url,
    flag,
    host_list,
    integer,
    number,
    path,
    public_url,
    queue_url,
    text,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_CHECK_NAMES = ("database", "queue", "sandbox")
MIB = 1024 * 1024

__all__ = ["REPO_ROOT", "SANDBOX_BACKENDS", "ConfigError", "Limit", "Setting", "load"]


class ConfigError(ValueError):
    """A setting's value cannot be used; the message names the variable and what it takes."""


@dataclass(frozen=True)
class Setting:
    """One environment variable and the config keys its parsed value is stored under."""

    env: str
    parse: Callable[[str], Any]
    default: str | Callable[[Path], str] | None
    doc: str
    keys: tuple[str, ...] = ()

    @property
    def config_keys(self) -> tuple[str, ...]:
        return self.keys or (self.env,)

    def value(self, raw: str | None, instance_path: Path) -> Any:
        if raw is None:
            raw = self.default(instance_path) if callable(self.default) else self.default
            if raw is None:
                return None
        try:
            return self.parse(raw)
        except ValueError as error:
            raise ConfigError(f"{self.env}={raw!r} is not valid: {error}. {self.doc}") from None


def _days(raw: str) -> timedelta:
    return timedelta(days=integer(minimum=1)(raw))


SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", text, None, "Signs sessions and invite links (unset: generated into "
            "instance/secret_key)."),
    Setting("DATABASE_URL", database_url, lambda i: f"sqlite:///{i / 'hirelab.db'}",
            "Any SQLAlchemy URL.", ("SQLALCHEMY_DATABASE_URI",)),
    Setting("QUEUE_URL", queue_url, lambda i: f"sqlite:///{i / 'queue.db'}",
            "The grading queue: sqlite:///path or redis://host:port/db."),
    Setting("QUEUE_NAME", text, "hirelab", "The queue's name within a shared Redis."),
    Setting("SANDBOX_BACKEND", choice(*SANDBOX_BACKENDS), "auto", "Which sandbox grades."),
    Setting("GRADING_LEASE_SECONDS", integer(minimum=1), "60", "A worker's claim on a run."),
    Setting("GRADING_HEARTBEAT_SECONDS", number(positive=True), "5", "How often it renews."),
    Setting("OUTBOX_SWEEP_SECONDS", number(positive=True), "15",
            "How often each worker's outbox sweeper looks."),
    Setting("OUTBOX_REDISPATCH_SECONDS", number(positive=True), "60",
            "How long a side effect may be overdue before it is sent again."),
    Setting("READY_CHECKS", comma_list(READY_CHECK_NAMES), ",".join(READY_CHECK_NAMES),
            "What /readyz requires of this process."),
    Setting("METRICS_TOKEN", text, "", "The bearer token for /metrics (empty: admins only)."),
    Setting("SCORECARD_OVERDUE_HOURS", integer(minimum=1), "24",
            "When a missing scorecard counts as overdue."),
    Setting("MAIL_SERVER", text, "", "SMTP host (empty: mail waits in the outbox page)."),
    Setting("MAIL_PORT", integer(minimum=1, maximum=65535), "587", "SMTP port."),
    Setting("MAIL_USERNAME", text, "", "SMTP user."),
    Setting("MAIL_PASSWORD", text, "", "SMTP password."),
    Setting("MAIL_USE_TLS", flag, "1", "STARTTLS to the SMTP server."),
    Setting("MAIL_SENDER", text, "HireLab <no-reply@hirelab.example>", "The From address."),
    Setting("EXERCISES_DIR", path, str(REPO_ROOT / "exercises"), "Where exercises are read."),
    Setting("RUBRICS_DIR", path, str(REPO_ROOT / "rubrics"), "Where rubrics are read."),
    Setting("SELF_ID_FILE", path, str(REPO_ROOT / "app" / "reports" / "self_identification.yaml"),
            "The voluntary self-identification questions (app/reports/self_id.py)."),
    Setting("INVITE_MAX_AGE_DAYS", _days, "14", "How long an invite link stays valid.",
            ("INVITE_MAX_AGE",)),
    Setting("SECURE_COOKIES", flag, "0", "Cookies carry the Secure flag (behind HTTPS).",
            ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")),
    Setting("TRUSTED_PROXY_HOPS", integer(minimum=0), "0",
            "How many proxies in front set X-Forwarded-For/-Proto (0: trust none)."),
    Setting("LOGIN_RATE_LIMIT", Limit.parse, "10/300", "Failed sign-ins per window."),
    Setting("INVITE_RATE_LIMIT", Limit.parse, "20/600", "Invalid invite links per window."),
    Setting("WEBHOOK_ALLOWED_HOSTS", host_list, "",
            "Loopback/private webhook receivers allowed anyway: host names, addresses, networks."),
    Setting("WEBHOOK_MAX_ATTEMPTS", integer(minimum=1), "8", "Deliveries before giving up."),
    Setting("WEBHOOK_RETRY_SECONDS", number(positive=True), "30", "First retry delay."),
    Setting("MAX_UPLOAD_BYTES", integer(minimum=1), str(8 * MIB),
            "The largest request body accepted.", ("MAX_CONTENT_LENGTH",)),
    Setting("MAX_NOTEBOOK_BYTES", integer(minimum=1), str(5 * MIB), "The largest notebook."),
    Setting("MAX_RESUME_BYTES", integer(minimum=1), str(5 * MIB), "The largest résumé PDF."),
    Setting("PUBLIC_URL", public_url, "", "HireLab's address, for links in mails (empty: paths)."),
)

# Settings of the web server (app/gunicorn_conf.py), read when gunicorn starts.
SERVER_SETTINGS: tuple[Setting, ...] = (
    Setting("WEB_BIND", text, "0.0.0.0:8000", "host:port gunicorn listens on."),
    Setting("WEB_WORKERS", integer(minimum=1), str(min(os.cpu_count() or 1, 4)), "Processes."),
    Setting("WEB_THREADS", integer(minimum=1), "4", "Threads per process."),
    Setting("WEB_KEEPALIVE", integer(minimum=1), "30", "Seconds an idle connection is kept."),
)

# Fixed values: not settings, but part of every app's config.
FIXED: Mapping[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
}


def load(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    settings: tuple[Setting, ...] = SETTINGS,
) -> dict[str, Any]:
    """Every setting parsed from `environ` (default: the process environment); ConfigError on the
    first bad one. `overrides` (create_app's config) win by config key; a text override is parsed
    like the variable it stands for, any other value is taken as the program gave it."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    config: dict[str, Any] = dict(FIXED) if settings is SETTINGS else {}
    for setting in settings:
        keys = setting.config_keys
        given = next((overrides[key] for key in keys if key in overrides), None)
        if given is None:
            value = setting.value(environ.get(setting.env), instance_path)
        elif isinstance(given, str):
            value = setting.value(given, instance_path)
        else:
            value = given
        for key in keys:
            config[key] = value
    declared = {key for setting in settings for key in setting.config_keys}
    config.update({key: value for key, value in overrides.items() if key not in declared})
    return config


def server_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The web server's settings (WEB_*), checked like the app's."""
    return load(Path("instance"), environ, settings=SERVER_SETTINGS)


def instance_secret(instance_path: Path) -> str:
    """Return a signing key generated once into instance/ (never committed)."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()

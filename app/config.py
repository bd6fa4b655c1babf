"""Configuration read from the environment; see the README's Configuration table."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def instance_secret(instance_path: Path) -> str:
    """Return a signing key generated once into instance/ (never committed)."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-ish defaults; every value can be set by an environment variable."""

    def __init__(self, instance_path: Path) -> None:
        # None here means: generate one into instance/ (see create_app).
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'hirelab.db'}"
        )
        self.QUEUE_URL = os.environ.get("QUEUE_URL", f"sqlite:///{instance_path / 'queue.db'}")
        self.QUEUE_NAME = os.environ.get("QUEUE_NAME", "hirelab")
        self.SANDBOX_BACKEND = os.environ.get("SANDBOX_BACKEND", "auto")
        self.GRADING_LEASE_SECONDS = int(os.environ.get("GRADING_LEASE_SECONDS", "60"))
        self.GRADING_HEARTBEAT_SECONDS = float(os.environ.get("GRADING_HEARTBEAT_SECONDS", "5"))
        # The outbox sweeper (in every `flask worker`): how often it looks, and how long a side
        # effect may wait after its queue message fell due before another message is sent.
        self.OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "15"))
        self.OUTBOX_REDISPATCH_SECONDS = float(os.environ.get("OUTBOX_REDISPATCH_SECONDS", "60"))
        # /readyz: which of database, queue, sandbox this process needs (the web needs no engine).
        self.READY_CHECKS = tuple(
            name.strip()
            for name in os.environ.get("READY_CHECKS", "database,queue,sandbox").split(",")
            if name.strip()
        )
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")  # empty: admins only
        self.SCORECARD_OVERDUE_HOURS = int(os.environ.get("SCORECARD_OVERDUE_HOURS", "24"))
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = _flag("MAIL_USE_TLS", True)
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "HireLab <no-reply@hirelab.example>")
        self.EXERCISES_DIR = Path(os.environ.get("EXERCISES_DIR", REPO_ROOT / "exercises"))
        self.RUBRICS_DIR = Path(os.environ.get("RUBRICS_DIR", REPO_ROOT / "rubrics"))
        # The voluntary self-identification questions and their categories (app/reports/self_id.py).
        default_self_id = REPO_ROOT / "app" / "reports" / "self_identification.yaml"
        self.SELF_ID_FILE = Path(os.environ.get("SELF_ID_FILE", default_self_id))
        self.INVITE_MAX_AGE = timedelta(days=int(os.environ.get("INVITE_MAX_AGE_DAYS", "14")))
        secure = _flag("SECURE_COOKIES", False)
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = True
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust nothing).
        self.TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
        # Failed attempts allowed per window, as HITS/SECONDS (app/privacy/rate_limit.py).
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/300")
        self.INVITE_RATE_LIMIT = os.environ.get("INVITE_RATE_LIMIT", "20/600")
        # Webhook receivers on loopback/private networks allowed anyway (webhooks/destinations.py):
        # comma-separated host names, addresses or networks. Empty: public addresses only.
        self.WEBHOOK_ALLOWED_HOSTS = os.environ.get("WEBHOOK_ALLOWED_HOSTS", "")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(8 * 1024 * 1024)))
        self.MAX_NOTEBOOK_BYTES = int(os.environ.get("MAX_NOTEBOOK_BYTES", str(5 * 1024 * 1024)))
        self.MAX_RESUME_BYTES = int(os.environ.get("MAX_RESUME_BYTES", str(5 * 1024 * 1024)))
        # Where HireLab is reached, for links in notification mails ("" = paths only).
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    def as_dict(self) -> dict[str, object]:
        return {key: value for key, value in vars(self).items() if key.isupper()}

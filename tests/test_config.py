"""Settings are parsed once, at start: a bad value stops create_app with the variable's name."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app import create_app
from app.config import REPO_ROOT, SERVER_SETTINGS, SETTINGS, ConfigError, load, server_settings
from app.settings_types import Limit


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("LOGIN_RATE_LIMIT", "ten per minute", "HITS/SECONDS"),
        ("INVITE_RATE_LIMIT", "0/60", "positive"),
        ("SANDBOX_BACKEND", "dokcer", "auto, docker, local"),
        ("GRADING_LEASE_SECONDS", "sixty", "whole number"),
        ("GRADING_HEARTBEAT_SECONDS", "0", "more than 0"),
        ("MAIL_PORT", "70000", "at most 65535"),
        ("MAIL_USE_TLS", "perhaps", "1 or 0"),
        ("SECURE_COOKIES", "si", "1 or 0"),
        ("READY_CHECKS", "database,kueue", "unknown kueue"),
        ("QUEUE_URL", "amqp://broker/", "redis://"),
        ("DATABASE_URL", "not a url", "SQLAlchemy URL"),
        ("WEBHOOK_ALLOWED_HOSTS", "10.0.0.0/99", "neither an address nor a network"),
        ("INVITE_MAX_AGE_DAYS", "-1", "at least 1"),
        ("PUBLIC_URL", "hire.example.com", "full address"),
        ("OUTBOX_SWEEP_SECONDS", "nan", "finite"),
    ],
)
def test_a_bad_variable_stops_the_app_at_start_naming_it(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        create_app({"TESTING": True})  # load() refuses before anything is built
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r} is not valid") and says in message


def test_a_text_override_is_checked_like_the_variable(tmp_path):
    with pytest.raises(ConfigError, match=r"^LOGIN_RATE_LIMIT='3 a minute'"):
        create_app({"LOGIN_RATE_LIMIT": "3 a minute", "QUEUE_URL": "memory://"})


def test_good_values_are_parsed_into_their_types(tmp_path):
    environ = {
        "LOGIN_RATE_LIMIT": "5/60",
        "SECURE_COOKIES": "yes",
        "INVITE_MAX_AGE_DAYS": "3",
        "READY_CHECKS": " database , queue ",
        "WEBHOOK_ALLOWED_HOSTS": "Hooks.Internal, 10.20.0.0/16",
        "MAX_UPLOAD_BYTES": "1000",
        "SANDBOX_BACKEND": "Local",
    }
    config = load(tmp_path, environ)
    assert config["LOGIN_RATE_LIMIT"] == Limit(5, 60)
    assert config["SESSION_COOKIE_SECURE"] is config["REMEMBER_COOKIE_SECURE"] is True
    assert config["INVITE_MAX_AGE"] == timedelta(days=3)
    assert config["READY_CHECKS"] == ("database", "queue")
    assert config["WEBHOOK_ALLOWED_HOSTS"] == ("hooks.internal", "10.20.0.0/16")
    assert config["MAX_CONTENT_LENGTH"] == 1000 and config["SANDBOX_BACKEND"] == "local"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hirelab.db'}"
    defaults = load(tmp_path, {})
    assert defaults["LOGIN_RATE_LIMIT"] == Limit(10, 300) and defaults["SECRET_KEY"] is None


def test_the_web_server_settings_are_checked_too():
    assert server_settings({"WEB_THREADS": "8"})["WEB_THREADS"] == 8
    with pytest.raises(ConfigError, match=r"^WEB_WORKERS='0'"):
        server_settings({"WEB_WORKERS": "0"})


def test_every_setting_is_declared_once_and_documented_in_the_readme():
    names = [setting.env for setting in (*SETTINGS, *SERVER_SETTINGS)]
    keys = [key for setting in SETTINGS for key in setting.config_keys]
    assert len(names) == len(set(names)) and len(keys) == len(set(keys))
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    undocumented = [name for name in names if f"`{name}`" not in table]
    assert undocumented == []


ENVIRONMENT_READS = re.compile(r"os\.environ|getenv\(")
# Programs with their own environment contract: the candidate-side attack kit (it runs inside the
# sandbox), and the variant cache of the grading side, which `flask grade` uses without the app.
OWN_CONTRACT = {
    Path("app/config.py"),
    Path("app/grading/attacks/kit.py"),
    Path("app/grading/variants.py"),
}


def test_no_module_of_the_app_reads_the_environment_itself():
    readers = [
        path.relative_to(REPO_ROOT)
        for path in sorted((REPO_ROOT / "app").rglob("*.py"))
        if ENVIRONMENT_READS.search(path.read_text())
        and path.relative_to(REPO_ROOT) not in OWN_CONTRACT
    ]
    assert readers == []


@pytest.mark.slow
def test_the_flask_command_refuses_to_start_with_a_bad_setting(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "SANDBOX_BACKEND": "dokcer", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SANDBOX_BACKEND='dokcer' is not valid: use one of auto, docker, local" in result.stderr

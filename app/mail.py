"""Sending email over SMTP when MAIL_SERVER is set; every message is kept in the outbox."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from app.extensions import db
from app.models import Candidate, OutboxMessage, now_utc


def send(
    config: dict[str, Any], to: str, subject: str, body: str, candidate: Candidate | None = None
) -> OutboxMessage:
    """Queue `body` to `to` in the outbox and deliver it when SMTP is configured."""
    message = OutboxMessage(candidate=candidate, to=to, subject=subject, body=body)
    db.session.add(message)
    if config.get("MAIL_SERVER"):
        try:
            _deliver(config, message)
            message.sent_at = now_utc()
        except (OSError, smtplib.SMTPException) as error:
            message.error = f"{type(error).__name__}: {error}"
    db.session.flush()
    return message


def _deliver(config: dict[str, Any], message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)

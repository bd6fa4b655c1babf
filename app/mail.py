"""Sending email over SMTP when MAIL_SERVER is set; every message is kept in the outbox."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from app.extensions import db
from app.models import Candidate, OutboxMessage, now_utc


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    data: bytes


def send(
    config: dict[str, Any],
    to: str,
    subject: str,
    body: str,
    candidate: Candidate | None = None,
    attachment: Attachment | None = None,
) -> OutboxMessage:
    """Queue `body` to `to` in the outbox and deliver it when SMTP is configured."""
    message = OutboxMessage(candidate=candidate, to=to, subject=subject, body=body)
    if attachment is not None:
        message.attachment_name = attachment.filename
        message.attachment_type = attachment.content_type
        message.attachment = attachment.data
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
    if message.attachment is not None:
        main, _, rest = message.attachment_type.partition("/")
        subtype, _, params = rest.partition(";")
        email.add_attachment(
            message.attachment,
            maintype=main,
            subtype=subtype.strip(),
            filename=message.attachment_name,
            params=dict(
                (key.strip(), value.strip())
                for key, _, value in (p.partition("=") for p in params.split(";") if "=" in p)
            ),
        )
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)

"""Email: `send` keeps every message in the outbox and a worker delivers it over SMTP after the
commit (when MAIL_SERVER is set), retrying with backoff; nothing is sent from inside a request."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from huey import Huey
from sqlalchemy import update

from app import outbox
from app.extensions import db
from app.models import Candidate, OutboxMessage, OutboxTask, now_utc
from app.outbox.dispatch import Consumer, Dispatcher

MAX_ATTEMPTS = 5
CLAIM = timedelta(seconds=120)  # an SMTP conversation that outlives this is presumed dead
BASE_DELAY_S = 60.0  # then 120, 240, …


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
    """Keep `body` to `to` in the outbox and have a worker email it once the caller commits
    (flushes, never commits). Without MAIL_SERVER the message only stays in the outbox."""
    message = OutboxMessage(candidate=candidate, to=to, subject=subject, body=body)
    if attachment is not None:
        message.attachment_name = attachment.filename
        message.attachment_type = attachment.content_type
        message.attachment = attachment.data
    db.session.add(message)
    db.session.flush()
    if config.get("MAIL_SERVER"):
        outbox.enqueue(outbox.KIND_MAIL, message.id)
    return message


def deliver(config: dict[str, Any], message_id: int) -> None:
    """The consumer: email one kept message once (a duplicate queue message finds it claimed)."""
    now = now_utc()
    claimed = db.session.execute(
        update(OutboxTask)
        .where(
            OutboxTask.kind == outbox.KIND_MAIL,
            OutboxTask.target_id == message_id,
            OutboxTask.done_at.is_(None),
            OutboxTask.due_at <= now,
        )
        .values(due_at=now + CLAIM, attempts=OutboxTask.attempts + 1)
        .returning(OutboxTask.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    if claimed is None:
        db.session.rollback()
        return
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None or not config.get("MAIL_SERVER"):
        outbox.complete(outbox.KIND_MAIL, message_id)  # erased, sent, or no server any more
        db.session.commit()
        return
    try:
        _smtp_send(config, message)
    except (OSError, smtplib.SMTPException) as error:
        message.error = f"{type(error).__name__}: {error}"
        if claimed >= MAX_ATTEMPTS:
            outbox.complete(outbox.KIND_MAIL, message_id, error=message.error)
        else:
            outbox.enqueue(
                outbox.KIND_MAIL, message_id, delay_s=BASE_DELAY_S * 2 ** (claimed - 1)
            )
    else:
        message.sent_at = now_utc()
        message.error = ""
        outbox.complete(outbox.KIND_MAIL, message_id)
    db.session.commit()


def pending_until(message_id: int, now: datetime) -> datetime | None:
    """For the outbox sweeper: None once sent or erased (or no server to send it), else now."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.sent_at is not None or not current_app.config["MAIL_SERVER"]:
        return None
    return now


def init_mail_task(app: Flask, huey: Huey, dispatcher: Dispatcher) -> Any:
    @huey.task(name="send_mail")
    def send_mail(message_id: int) -> None:
        with app.app_context():
            deliver(app.config, message_id)

    dispatcher.register(outbox.KIND_MAIL, Consumer(send_mail, pending_until))
    return send_mail


def _smtp_send(config: dict[str, Any], message: OutboxMessage) -> None:
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

"""Mail through the outbox: kept with the change, sent by the consumer over real SMTP (a minimal
server on loopback), retried with backoff when the server is down, sent once per message."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from app import mail
from app.extensions import db
from app.models import OutboxMessage, OutboxTask, now_utc


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"DATA"):
                self.wfile.write(b"354 go ahead\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.received.append(body)  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command.startswith(b"QUIT"):
                self.wfile.write(b"221 bye\r\n")
                return
            elif command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(app, port: int) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)


def test_a_mail_is_kept_with_the_change_and_sent_once_after_the_commit(backend_app):
    huey = backend_app.extensions["outbox"].huey
    with smtp_server() as server:
        configure(backend_app, server.server_address[1])
        message = mail.send(backend_app.config, "cara@example.com", "Your exercise", "Hello Cara")
        assert message.sent_at is None and len(huey) == 0  # nothing leaves inside the request
        db.session.commit()
        assert len(huey) == 1
        mail.deliver(backend_app.config, message.id)
        mail.deliver(backend_app.config, message.id)  # a duplicate message sends nothing
    assert len(server.received) == 1 and b"Hello Cara" in server.received[0]
    stored = db.session.get(OutboxMessage, message.id, populate_existing=True)
    assert stored.sent_at is not None and stored.error == ""
    assert db.session.scalar(db.select(OutboxTask.done_at)) is not None


def test_a_mail_server_that_is_down_is_retried_with_backoff(backend_app):
    configure(backend_app, closed_port())
    message = mail.send(backend_app.config, "cara@example.com", "Subject", "Body")
    db.session.commit()
    mail.deliver(backend_app.config, message.id)
    stored = db.session.get(OutboxMessage, message.id, populate_existing=True)
    task = db.session.scalar(db.select(OutboxTask))
    assert stored.sent_at is None and "ConnectionRefusedError" in stored.error
    assert task.done_at is None and task.attempts == 1
    assert task.due_at > now_utc() + timedelta(seconds=30)
    with smtp_server() as server:  # back up: the retry (or a sweep) sends it
        configure(backend_app, server.server_address[1])
        db.session.execute(db.update(OutboxTask).values(due_at=now_utc()))
        db.session.commit()
        mail.deliver(backend_app.config, message.id)
    assert len(server.received) == 1


def test_without_a_mail_server_the_message_stays_in_the_outbox_only(backend_app):
    backend_app.config["MAIL_SERVER"] = ""
    mail.send(backend_app.config, "cara@example.com", "Subject", "Body")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxTask)) == 0
    assert len(backend_app.extensions["outbox"].huey) == 0

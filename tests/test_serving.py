"""The production web server (gunicorn with app/gunicorn_conf.py): idle connections hold no worker.

Users keep connections open between clicks (keep-alive, browsers' pre-opened connections). With
gunicorn's default sync workers each such connection pins a worker until its request arrives, and
everybody else waits behind it; the project's configuration must serve others meanwhile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = "/api/v1/openapi.json"  # served without a database round trip or a session


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, timeout: float = 10) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=timeout) as response:
        assert response.status == 200
        response.read()
    return time.monotonic() - started


def test_idle_connections_do_not_hold_up_other_users(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "QUEUE_URL": "memory://",
        "SECRET_KEY": "serving-test-secret",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "python:app.gunicorn_conf", "wsgi:app"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    idle: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, timeout=2)
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # Four users connected and reading (twice the threads there are), sending nothing yet.
        for _ in range(4):
            idle.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.5)  # accepted by now
        slowest = max(_get(port) for _ in range(5))
        assert slowest < 1.0, f"a request waited {slowest:.1f} s behind idle connections"
        # ... and an idle user's connection still answers when they click.
        user = idle[0]
        user.sendall(f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        user.settimeout(10)
        assert user.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for connection in idle:
            connection.close()
        server.terminate()
        server.wait(timeout=30)

"""gunicorn settings for serving HireLab (``gunicorn -c python:app.gunicorn_conf wsgi:app``).

Threaded workers that park idle connections (app/gunicorn_worker.py): an idle connection (a
browser's keep-alive or pre-opened connection, a user reading the page between clicks) waits in the
worker's poller and holds no thread; only a request that has arrived takes one. gunicorn's default
*sync* worker instead blocks on a connection until its request arrives (gthread, for up to 5 s on a
new connection), so a few idle connections stall every user behind them for seconds: the 2.6-3.2 s
p95 wrk measured on every page (bench/README.md, "Web under load").

Environment: WEB_WORKERS (processes; default: the CPU count, at most 4), WEB_THREADS (per
process; default 4), WEB_BIND (default 0.0.0.0:8000), WEB_KEEPALIVE seconds (default 30).
"""

from __future__ import annotations

from app.config import server_settings

_settings = server_settings()  # declared in app/config.py; a bad value stops gunicorn at start
bind = _settings["WEB_BIND"]
worker_class = "app.gunicorn_worker.ParkingThreadWorker"
workers = _settings["WEB_WORKERS"]
threads = _settings["WEB_THREADS"]
keepalive = _settings["WEB_KEEPALIVE"]  # idle users keep their connection
worker_connections = 1000  # open connections per process (idle ones cost a file descriptor)
backlog = 2048
timeout = 120
accesslog = "-"

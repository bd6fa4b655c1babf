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

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
worker_class = "app.gunicorn_worker.ParkingThreadWorker"
workers = int(os.environ.get("WEB_WORKERS", str(min(os.cpu_count() or 1, 4))))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "30"))  # idle users keep their connection
worker_connections = 1000  # open connections per process (idle ones cost a file descriptor)
backlog = 2048
timeout = 120
accesslog = "-"

"""The web server's worker class: gunicorn's gthread, but a new connection waits in the poller.

gunicorn 27's gthread worker hands every accepted connection straight to a thread, which then
waits up to 5 s for the request before parking the connection. A user whose browser opened a
connection and has not sent on it yet (pre-opened connections; a client that reconnects and then
thinks) therefore holds a thread; with as many such users as threads, everyone else queues for
seconds. Here a new connection is parked at once, exactly as gthread parks an idle keep-alive one,
and takes a thread only when its request has arrived. Parked connections time out after the
keep-alive setting, as gthread's own do.
"""

from __future__ import annotations

import errno
import selectors
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker


class ParkingThreadWorker(ThreadWorker):
    """gthread whose threads only ever serve connections that have a request waiting."""

    def accept(self, listener: Any) -> None:
        """Accept a connection and park it in the poller until it is readable."""
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

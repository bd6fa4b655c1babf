"""Single-use sandbox containers started ahead of need, so container and runner start-up (and, in
phase 1, the kernel's start and the scientific stack's imports) leave a grading's critical path.

Each container is handed out once and removed after its phase, exactly like one created on demand:
no state crosses from one candidate to the next. A ready container is keyed by everything that
shapes it (image, phase, limits); it holds nothing of any run until its bundle arrives on stdin.
Containers are labelled with the pool's owner process; the owner renames a container to its run's
name when it takes it (labels cannot change), so a dead worker's run is still found by name.
Unused ones are removed when the process exits; a ready container's runner gives up on its own
after ``IDLE_S``, and :func:`sweep_unused` removes such leftovers of processes that died, and a
live process's own that an engine failure left half-made (created, never started or removed).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from docker.errors import DockerException  # type: ignore[import-untyped]

from sandbox.backends.attach import close_attached

# What a call to the engine raises when it fails: the SDK's own errors, and (unwrapped) the
# connection errors of `requests` (OSError subclasses) when the engine is down or restarting.
ENGINE_ERRORS = (DockerException, OSError)

log = logging.getLogger(__name__)

POOL_LABEL = "org.hirelab.pool"  # value: the owner process, host:pid
IDLE_S = 300.0  # a ready container waits this long for a bundle, then its runner exits
TAKE_MARGIN_S = 30.0  # never hand out a container this close to giving up
POOL_NAME_PREFIX = "hirelab-ready-"  # + a random id, until a run takes it
KEYS_KEPT = 4  # ready containers are kept for the most recently used shapes only


def owner() -> str:
    """This process, as pool labels name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Ready:
    """A started container whose runner waits for its bundle on the attached socket."""

    container: Any
    sock: Any
    started_at: float  # time.monotonic() when it was started


Starter = Callable[[], Ready]


class ContainerPool:
    """Ready containers per shape; ``take`` pops one (or starts one now), ``prepare`` starts one
    in the background. Thread-safe; one pool per process and image (see :func:`shared_pool`)."""

    def __init__(self, image: str) -> None:
        self.image = image
        self._ready: dict[Hashable, list[Ready]] = {}
        self._starting: dict[Hashable, int] = {}
        self._creating: set[str] = set()  # names of containers being created and started now
        self._client: Any = None  # the engine of the containers started (for close)
        self._recent: list[Hashable] = []
        self._uses: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._generation = 0  # drain() bumps it: containers started before are not kept
        self._closed = False

    def take(self, key: Hashable, start: Starter) -> Ready:
        """A fresh, running container of shape ``key``: a ready one, else one started now."""
        with self._lock:
            self._uses[key] = self._uses.get(key, 0) + 1
        while True:
            with self._lock:
                self._touch(key)
                ready = self._ready.get(key) or []
                candidate = ready.pop(0) if ready else None
            if candidate is None:
                return start()
            if time.monotonic() - candidate.started_at < IDLE_S - TAKE_MARGIN_S and _running(
                candidate
            ):
                return candidate
            discard(candidate)

    def uses(self, key: Hashable) -> int:
        """How many containers of shape ``key`` were taken so far."""
        with self._lock:
            return self._uses.get(key, 0)

    def prepare(self, key: Hashable, start: Starter, count: int = 1) -> None:
        """Start containers of shape ``key`` in the background until ``count`` are ready."""
        with self._lock:
            if self._closed:
                return
            self._touch(key)
            missing = count - len(self._ready.get(key, [])) - self._starting.get(key, 0)
            self._threads = [t for t in self._threads if t.is_alive()]
            for _ in range(max(0, missing)):
                self._starting[key] = self._starting.get(key, 0) + 1
                thread = threading.Thread(
                    target=self._start_one,
                    args=(key, start, self._generation),
                    name="sandbox-pool",
                    daemon=True,
                )
                self._threads.append(thread)
                thread.start()

    def _start_one(self, key: Hashable, start: Starter, generation: int) -> None:
        try:
            ready: Ready | None = start()
        except ENGINE_ERRORS as error:  # the grading itself will report it
            log.warning("could not pre-start a sandbox container: %s", error)
            ready = None
        with self._lock:
            self._starting[key] -= 1
            current = generation == self._generation and not self._closed
            keep = ready is not None and current and key in self._recent
            if keep:
                self._ready.setdefault(key, []).append(ready)  # type: ignore[arg-type]
        if ready is not None and not keep:
            discard(ready)

    @contextlib.contextmanager
    def creating(self, name: str, client: Any) -> Iterator[None]:
        """While a container of this pool named ``name`` is created and started: the sweep
        leaves it alone until then."""
        with self._lock:
            self._creating.add(name)
            self._client = client
        try:
            yield
        finally:
            with self._lock:
                self._creating.discard(name)

    def is_creating(self, name: str) -> bool:
        with self._lock:
            return name in self._creating

    def _touch(self, key: Hashable) -> None:
        """Mark ``key`` recently used; shapes no longer among the recent lose their containers."""
        if key in self._recent:
            self._recent.remove(key)
        self._recent.append(key)
        for old in self._recent[:-KEYS_KEPT]:
            self._recent.remove(old)
            for ready in self._ready.pop(old, []):
                threading.Thread(target=discard, args=(ready,), daemon=True).start()

    def drain(self, wait_s: float = 30.0) -> None:
        """Remove every ready container, and those being started (waiting up to ``wait_s`` for
        them). Containers in use are their phase's to remove. The pool stays usable."""
        with self._lock:
            self._generation += 1
            ready = [r for shape in self._ready.values() for r in shape]
            self._ready.clear()
            threads = list(self._threads)
        for item in ready:
            discard(item)
        deadline = time.monotonic() + wait_s
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        """Drain and start nothing more (at exit); then remove every unused pre-started container
        of this process still in the engine (one whose removal the engine failed)."""
        with self._lock:
            self._closed = True
            client = self._client
        self.drain()
        if client is not None:
            with contextlib.suppress(*ENGINE_ERRORS):
                for container in _own_unused(client, self.image):
                    container.remove(force=True)


def _running(ready: Ready) -> bool:
    try:
        ready.container.reload()
    except ENGINE_ERRORS:
        return False
    return bool(ready.container.status == "running")


def discard(ready: Ready) -> None:
    """Close the attach socket and force-remove the container."""
    close_attached(ready.sock)
    with contextlib.suppress(*ENGINE_ERRORS):
        ready.container.remove(force=True)


_pools: dict[str, ContainerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(image: str) -> ContainerPool:
    """This process's pool for ``image``; its ready containers are removed at exit."""
    with _pools_lock:
        pool = _pools.get(image)
        if pool is None:
            pool = _pools[image] = ContainerPool(image)
            atexit.register(pool.close)
        return pool


def sweep_unused(client: Any) -> int:
    """Remove pre-started containers no live process will use: stopped ones (they waited past
    ``IDLE_S``, or an engine restart stopped them), those whose owner on this host is gone, and
    this process's own that were created, never started and are not being started now (the
    engine failed the start, then the removal). Used containers are renamed to their run, and
    removed with it (``remove_orphans``)."""
    removed = 0
    me = owner()
    for container in _unused(client):
        label = container.labels.get(POOL_LABEL, "")
        stray = label == me and container.status == "created" and not _being_created(container.name)
        if container.status in ("exited", "dead") or stray or _owner_gone(label):
            with contextlib.suppress(*ENGINE_ERRORS):
                container.remove(force=True)
                removed += 1
    return removed


def _unused(client: Any) -> list[Any]:
    """Pre-started containers no run has taken (taken ones are renamed)."""
    found = client.containers.list(all=True, filters={"label": POOL_LABEL})
    return [c for c in found if c.name.startswith(POOL_NAME_PREFIX)]


def _own_unused(client: Any, image: str) -> list[Any]:
    return [
        c
        for c in _unused(client)
        if c.labels.get(POOL_LABEL) == owner() and c.attrs.get("Config", {}).get("Image") == image
    ]


def _being_created(name: str) -> bool:
    with _pools_lock:
        pools = list(_pools.values())
    return any(pool.is_creating(name) for pool in pools)


def _owner_gone(label: str) -> bool:
    """True when ``label`` names a process of this host that no longer runs."""
    host, _, pid = label.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's: its own reaper knows
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False

"""A small in-process cache of computed assessment reports, keyed by what they are computed from.

The reports read the derived tables of app/models/assessment.py; each result is stored with a
fingerprint of its inputs, read in one indexed query: the revision of every job the report covers
(upkeep.py raises it in the same transaction as every change to the job's derived rows, erasure
included), the stages of those jobs (a renamed or reordered stage changes the labels) and the
self-identification file's mtime. A hit is therefore never stale, and erased answers never outlive
their rows. One cache per app (each web process has its own), at most MAX_ENTRIES results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from flask import current_app
from sqlalchemy import String, cast, func, select

from app.auth.policy import accessible_job_ids
from app.extensions import db
from app.models import AssessmentRevision, Role, Stage, User

MAX_ENTRIES = 64
T = TypeVar("T")


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[tuple, object]] = OrderedDict()


def fingerprint(job_ids) -> tuple:  # type: ignore[no-untyped-def]
    """What a report over the jobs `job_ids` (a select of ids) depends on, in one round trip."""
    revisions = select(func.coalesce(func.sum(AssessmentRevision.revision), 0)).where(
        AssessmentRevision.job_id.in_(job_ids)
    )
    stages = select(
        func.count(Stage.id),
        func.coalesce(func.sum(Stage.position * Stage.id), 0),
        func.coalesce(func.max(Stage.id), 0),
        func.coalesce(
            func.sum(func.length(Stage.name) + func.length(cast(Stage.kind, String)) * Stage.id), 0
        ),
    ).where(Stage.job_id.in_(job_ids))
    row = db.session.execute(
        select(revisions.scalar_subquery(), *(c for c in stages.subquery().c))
    ).one()
    path = Path(current_app.config["SELF_ID_FILE"])
    return (*row, path.stat().st_mtime_ns if path.exists() else 0)


def viewer_key(viewer: User) -> Hashable:
    """Reports depend on the viewer only through the jobs they recruit for."""
    return "all" if viewer.role is Role.ADMIN else tuple(sorted(accessible_job_ids(viewer)))


def cached(key: Hashable, job_ids, compute: Callable[[], T]) -> T:  # type: ignore[no-untyped-def]
    """`compute()`'s report over the jobs `job_ids` (a select of ids), computed once per change."""
    cache = current_app.extensions.setdefault("hirelab_report_cache", _Cache())
    assert isinstance(cache, _Cache)
    stamp = fingerprint(job_ids)
    with cache.lock:
        hit = cache.entries.get(key)
        if hit is not None and hit[0] == stamp:
            cache.entries.move_to_end(key)
            return hit[1]  # type: ignore[return-value]
    value = compute()
    with cache.lock:
        cache.entries[key] = (stamp, value)
        cache.entries.move_to_end(key)
        while len(cache.entries) > MAX_ENTRIES:
            cache.entries.popitem(last=False)
    return value

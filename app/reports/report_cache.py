"""A small in-process cache of computed assessment reports, keyed by what they are computed from.

The reports aggregate every graded run of an exercise version (tens of thousands at scale) and
run a bootstrap; recomputing them on every page view would cost seconds. Instead each result is
stored with a fingerprint of its inputs, read in one cheap query: the count and newest row of
every table the reports read (graded runs, submitted and superseded scorecards, stage moves,
applications, stages, self-identification answers) and the self-identification file's mtime.
Any write the reports would see changes the fingerprint (rows added: the newest id moves; rows
deleted, as by an erasure, or changing state: a count moves), so a hit is never stale, and erased
answers never outlive their rows. One cache per app (each web process has its own), at most
MAX_ENTRIES results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from app.auth.policy import accessible_job_ids
from app.extensions import db
from app.models import (
    Application,
    GradingRun,
    Role,
    RunStatus,
    Scorecard,
    ScorecardStatus,
    SelfIdentification,
    Stage,
    StageTransition,
    User,
)

MAX_ENTRIES = 64
T = TypeVar("T")


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[tuple, object]] = OrderedDict()


def fingerprint() -> tuple:
    """What every report depends on, in one round trip."""
    # Only indexed columns: counts and maxima answered from indexes, no table scan. Rows that
    # change in place change a count here: a run becomes graded, a scorecard submitted or
    # superseded; a changed self-identification answer is a new row (self_id.save_answers).
    sub = [
        select(func.count()).where(GradingRun.status == RunStatus.GRADED),
        select(func.max(GradingRun.id)),
        select(func.count()).where(Scorecard.status == ScorecardStatus.SUBMITTED),
        select(func.count()).where(Scorecard.superseded_at.is_not(None)),
        select(func.max(Scorecard.id)),
        select(func.max(StageTransition.id)),
        select(func.max(Application.id)),
        select(func.count(Stage.id)),
        select(func.max(Stage.id)),
        select(func.count(SelfIdentification.id)),
        select(func.max(SelfIdentification.id)),
    ]
    row = db.session.execute(select(*(query.scalar_subquery() for query in sub))).one()
    path = Path(current_app.config["SELF_ID_FILE"])
    return (*row, path.stat().st_mtime_ns if path.exists() else 0)


def viewer_key(viewer: User) -> Hashable:
    """Reports depend on the viewer only through the jobs they recruit for."""
    return "all" if viewer.role is Role.ADMIN else tuple(sorted(accessible_job_ids(viewer)))


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    cache = current_app.extensions.setdefault("hirelab_report_cache", _Cache())
    assert isinstance(cache, _Cache)
    stamp = fingerprint()
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

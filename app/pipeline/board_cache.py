"""The unfiltered board of a job, cached per web process on the job's board revision.

What a board shows comes from the job's rows (app/models/board_revision.py lists them and raises
the revision in the flush of every change) and from the clock (days in stage, stale). So the
cache keeps, per job and revision, what does not depend on the clock: each stage's entry times
(sorted: the stale count of any moment is one bisection) and the facts of its first cards. A
request reads the revision in one indexed query, adds the clock's part, and reuses the rendered
columns while both parts are unchanged. The columns are the same for every viewer the board
admits (recruiters and admins of the job see every card field; app/auth/policy.py), so no
viewer is in the key. Filtered boards and boards with picked cards are not cached.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Application, BoardRevision, Job, now_utc
from app.pipeline import queries

MAX_JOBS = 64


@dataclass
class _Entry:
    stamp: Hashable
    entered: dict[int, list[float]]  # stage id: entry times (POSIX seconds), ascending
    facts: dict[int, list[queries.CardFacts]]  # stage id: its first cards
    html: tuple[Hashable, str] | None = field(default=None)  # (clock's part, rendered columns)


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[int, _Entry] = OrderedDict()


def _stamp(job: Job, cap: int) -> Hashable:
    revision = db.session.scalar(
        select(BoardRevision.revision).where(BoardRevision.job_id == job.id)
    )
    stages = tuple((s.id, s.name, s.kind, s.position) for s in job.stages)
    return (revision or 0, stages, cap)


def _compute(job: Job, cap: int, stamp: Hashable) -> _Entry:
    entered: dict[int, list[float]] = {stage.id: [] for stage in job.stages}
    for stage_id, at in db.session.execute(
        select(Application.stage_id, Application.stage_entered_at)
        .where(Application.job_id == job.id)
        .order_by(Application.stage_id, Application.stage_entered_at)
    ):
        entered.setdefault(stage_id, []).append(at.timestamp())
    rows_by_stage = queries.first_rows(job, [s for s in job.stages if entered[s.id]], cap, None)
    facts = {
        stage.id: stage_facts
        for (stage, _), stage_facts in zip(
            rows_by_stage, queries.card_facts(rows_by_stage), strict=True
        )
    }
    return _Entry(stamp, entered, facts)


def _entry(job: Job, cap: int) -> _Entry:
    cache = current_app.extensions.setdefault("hirelab_board_cache", _Cache())
    assert isinstance(cache, _Cache)
    stamp = _stamp(job, cap)  # read before the rows: a change after it only makes a later miss
    with cache.lock:
        entry = cache.entries.get(job.id)
        if entry is not None and entry.stamp == stamp:
            cache.entries.move_to_end(job.id)
            return entry
    entry = _compute(job, cap, stamp)
    with cache.lock:
        cache.entries[job.id] = entry
        cache.entries.move_to_end(job.id)
        while len(cache.entries) > MAX_JOBS:
            cache.entries.popitem(last=False)
    return entry


def _columns(job: Job, entry: _Entry, now: datetime) -> list[queries.Column]:
    stale_after = timedelta(days=job.stale_after_days)
    return [
        queries.Column(
            stage=stage,
            total=len(entry.entered[stage.id]),
            stale=stale,
            cards=[
                fact.at(now, stale_after, stage.kind.is_terminal) for fact in entry.facts[stage.id]
            ],
        )
        for stage, stale in zip(job.stages, _stale_counts(job, entry, now), strict=True)
    ]


def _stale_counts(job: Job, entry: _Entry, now: datetime) -> list[int]:
    stale_before = (now - timedelta(days=job.stale_after_days)).timestamp()
    return [
        0 if stage.kind.is_terminal else bisect_left(entry.entered[stage.id], stale_before)
        for stage in job.stages
    ]


def _clock(job: Job, entry: _Entry, now: datetime) -> Hashable:
    """What the clock changes on the rendered columns: each card's whole days in its stage and
    stale mark (CardFacts.moment, as the cards use it), and each column's stale count."""
    stale_after = timedelta(days=job.stale_after_days)
    marks = tuple(
        fact.moment(now, stale_after, stage.kind.is_terminal)
        for stage in job.stages
        for fact in entry.facts[stage.id]
    )
    return (job.id, job.stale_after_days, tuple(_stale_counts(job, entry, now)), marks)


def rendered_columns(job: Job, render: Callable[[list[queries.Column]], str]) -> str:
    """`render(columns)` of the job's unfiltered board as of now, rendered once per change of
    the board's rows or of what the clock changes on it (a day counter, a stale mark)."""
    entry = _entry(job, queries.BOARD_COLUMN_CAP)
    now = now_utc()
    clock = _clock(job, entry, now)
    html = entry.html
    if html is not None and html[0] == clock:
        return html[1]
    text = render(_columns(job, entry, now))
    entry.html = (clock, text)
    return text

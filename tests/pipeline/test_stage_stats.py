"""application_stage_stats kept by apply/move equals a rebuild from the transitions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import ApplicationStageStats
from app.pipeline import operations, stage_stats
from tests.conftest import app_context_on


def snapshot() -> dict[tuple, float | None]:
    """Rows keyed by everything but the seconds (which SQLite's julianday rounds at ~0.1 ms)."""
    return {
        (
            row.application_id,
            row.stage_id,
            row.job_id,
            row.applied_at,
            row.source,
            row.entries,
            row.is_current,
            row.reason,
            row.from_stage_id,
            row.is_furthest,
        ): row.seconds
        for row in db.session.scalars(db.select(ApplicationStageStats))
    }


def test_incremental_stats_equal_a_rebuild_from_transitions(database_url):
    rng = random.Random(20261125)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with app_context_on(database_url):
        db.create_all()
        jobs = [operations.create_job(f"Job {n}", None) for n in range(2)]
        candidates = [
            operations.add_candidate(f"C{n}", f"c{n}@example.com", rng.choice(operations.SOURCES))
            for n in range(30)
        ]
        for number, candidate in enumerate(candidates):
            for job in rng.sample(jobs, rng.choice((1, 1, 2))):  # some re-apply elsewhere
                at = start + timedelta(hours=number * 7)
                application = operations.apply(candidate, job, None, at=at)
                for _ in range(rng.randint(0, 8)):  # forward, back, skips, closing, reopening
                    target = rng.choice([s for s in job.stages if s.id != application.stage_id])
                    at += timedelta(hours=rng.uniform(0.5, 90))
                    reason = rng.choice(["Compensation — too low", "Communication", "x", "Other"])
                    operations.move(application, target, None, reason, at=at)
        db.session.commit()
        incremental = snapshot()
        assert sum(1 for key in incremental if key[-1]) == sum(
            len(c.applications) for c in candidates
        )  # exactly one furthest stage per application
        for job_ids in (None, [jobs[0].id]):
            stage_stats.rebuild(job_ids)
            db.session.commit()
            rebuilt = snapshot()
            assert sorted(set(rebuilt) ^ set(incremental)) == []
            for key, seconds in incremental.items():
                assert rebuilt[key] == (
                    None if seconds is None else pytest.approx(seconds, abs=0.01)
                )


def test_rebuild_stats_command(app, runner, db, create_job, create_candidate):
    job = create_job()
    create_candidate(job)
    db.session.execute(db.delete(ApplicationStageStats))
    db.session.commit()
    result = runner.invoke(args=["pipeline", "rebuild-stats", "--job", str(job.id)])
    assert result.exit_code == 0, result.output
    assert f"Stage statistics rebuilt for jobs [{job.id}]." in result.output
    assert db.session.query(ApplicationStageStats).count() == 1

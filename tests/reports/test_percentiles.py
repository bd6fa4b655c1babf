"""The index-walking percentile equals linear interpolation (percentile_cont) for any n."""

import random
import statistics
from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import ApplicationStageStats
from app.pipeline import operations
from app.reports.funnel import Window, _percentile_seconds
from tests.conftest import app_context_on


def reference(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    # statistics' "inclusive" method is percentile_cont's linear interpolation.
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def test_percentiles_match_linear_interpolation(database_url):
    rng = random.Random(5)
    with app_context_on(database_url):
        db.create_all()
        job = operations.create_job("Percentiles", None)
        applied = datetime(2026, 1, 5, tzinfo=UTC)
        ids = [
            operations.apply(
                operations.add_candidate(f"P{n}", f"p{n}@example.com", "referral"),
                job,
                None,
                at=applied,
            ).id
            for n in range(250)
        ]
        db.session.commit()
        window = Window(date(2026, 1, 1), date(2026, 1, 31))
        for stage, n in zip(job.stages[1:7], (1, 2, 3, 10, 37, 250), strict=True):
            values = [round(rng.uniform(0, 900_000), 3) for _ in range(n)]
            db.session.add_all(
                ApplicationStageStats(
                    application_id=ids[index],
                    stage_id=stage.id,
                    job_id=job.id,
                    applied_at=applied,
                    source="referral",
                    seconds=value,
                )
                for index, value in enumerate(values)
            )
            db.session.flush()
            for pct in (50, 90):
                got = _percentile_seconds(job, window, None, stage.id, n, pct)
                assert got == pytest.approx(reference(sorted(values), pct), abs=1e-6), (n, pct)
        db.session.rollback()

"""The funnel's numbers on a hand-built dataset with known answers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Application, Job
from app.pipeline import operations
from app.reports.funnel import Window, funnel
from tests.conftest import app_context_on

T0 = datetime(2026, 1, 1, tzinfo=UTC)
JANUARY = Window(date(2026, 1, 1), date(2026, 1, 31))


def day(offset: float) -> datetime:
    return T0 + timedelta(days=offset)


class Story:
    """Builds applications from a compact script: (stage name or None=apply, day, reason)."""

    def __init__(self) -> None:
        self.job_a = operations.create_job("Job A", None)
        self.job_b = operations.create_job("Job B", None)
        self.candidates: dict[str, object] = {}

    def stage(self, job: Job, name: str):
        return next(stage for stage in job.stages if stage.name == name)

    def run(self, key: str, source: str, job: Job, applied: float, *moves) -> Application:
        candidate = self.candidates.get(key)
        if candidate is None:
            candidate = operations.add_candidate(key, f"{key}@example.com", source)
            self.candidates[key] = candidate
        application = operations.apply(candidate, job, None, at=day(applied))
        for name, when, *reason in moves:
            operations.move(
                application, self.stage(job, name), None, reason[0] if reason else "", at=day(when)
            )
        return application


def build(story: Story) -> None:
    a, b = story.job_a, story.job_b
    # c1 goes all the way; later re-applies to job B (must not leak into job A).
    story.run(
        "c1", "referral", a, 0,
        ("Recruiter screen", 1), ("Take-home", 3), ("Technical interviews", 6),
        ("Debrief", 8), ("Offer", 9), ("Hired", 10),
    )  # fmt: skip
    story.run(
        "c2", "referral", a, 1, ("Recruiter screen", 2), ("Rejected", 4, "Communication — rambled")
    )
    # c3 skips screen and take-home, is moved back to take-home, then forward again.
    story.run(
        "c3", "job board", a, 2,
        ("Technical interviews", 4), ("Take-home", 5), ("Technical interviews", 7),
    )  # fmt: skip
    story.run("c4", "job board", a, 3)
    story.run(
        "c5", "careers site", a, 4,
        ("Recruiter screen", 5), ("Withdrawn", 6, "Accepted another offer"),
    )  # fmt: skip
    # c6 is rejected by mistake and reopened: not a drop-off.
    story.run(
        "c6", "referral", a, 5,
        ("Rejected", 5.5, "Not enough ML depth"), ("Recruiter screen", 6),
    )  # fmt: skip
    story.run(
        "c9", "agency", a, 6,
        ("Recruiter screen", 7), ("Rejected", 11, "Salary expectations"),
    )  # fmt: skip
    # Outside the window: applied in December.
    story.run("c8", "referral", a, -10, ("Recruiter screen", -9))
    # Re-applications to another job.
    story.run("c1", "referral", b, 12, ("Recruiter screen", 13))
    story.run("c2", "referral", b, 12, ("Rejected", 12.5, "Experience level"))


@pytest.fixture
def story(database_url):
    with app_context_on(database_url):
        db.create_all()
        story = Story()
        build(story)
        db.session.commit()
        yield story


def by_name(result):
    return {row.name: row for row in result.stages}


def test_reached_entered_conversion_and_yield(story):
    result = funnel(story.job_a, JANUARY)
    stages = by_name(result)
    assert result.applications == 7 and result.hired == 1
    assert result.yield_rate == pytest.approx(1 / 7)
    reached = {name: row.reached for name, row in stages.items()}
    assert reached == {
        "Applied": 7, "Recruiter screen": 6, "Take-home": 2, "Technical interviews": 2,
        "Debrief": 1, "Offer": 1, "Hired": 1, "Rejected": None, "Withdrawn": None,
    }  # fmt: skip
    entered = {name: row.entered for name, row in stages.items()}
    assert entered == {
        "Applied": 7, "Recruiter screen": 5, "Take-home": 2, "Technical interviews": 2,
        "Debrief": 1, "Offer": 1, "Hired": 1, "Rejected": 3, "Withdrawn": 1,
    }  # fmt: skip
    conversion = {name: row.conversion for name, row in stages.items()}
    assert conversion["Applied"] is None
    assert conversion["Recruiter screen"] == pytest.approx(6 / 7)
    assert conversion["Take-home"] == pytest.approx(2 / 6)
    assert conversion["Technical interviews"] == pytest.approx(1.0)
    assert conversion["Debrief"] == pytest.approx(0.5)
    assert conversion["Hired"] == pytest.approx(1.0)
    assert conversion["Rejected"] is None
    assert stages["Take-home"].share_of_cohort == pytest.approx(2 / 7)


def test_currently_active_per_stage(story):
    active = {row.name: row.active for row in funnel(story.job_a, JANUARY).stages}
    assert active == {
        "Applied": 1, "Recruiter screen": 1, "Take-home": 0, "Technical interviews": 1,
        "Debrief": 0, "Offer": 0, "Hired": 1, "Rejected": 2, "Withdrawn": 1,
    }  # fmt: skip


def test_median_and_p90_time_in_stage(story):
    stages = by_name(funnel(story.job_a, JANUARY))
    expected = {
        # stage: (applications with a completed stay, median days, p90 days)
        "Applied": (6, 1.0, 1.5),  # [0.5, 1, 1, 1, 1, 2]; c4 is still there
        "Recruiter screen": (4, 2.0, 3.4),  # [1, 2, 2, 4]; c6 is still there
        "Take-home": (2, 2.5, 2.9),  # [2, 3]
        "Technical interviews": (2, 1.5, 1.9),  # c1 2; c3 1 (its second stay is open)
        "Debrief": (1, 1.0, 1.0),
        "Offer": (1, 1.0, 1.0),
        "Rejected": (1, 0.5, 0.5),  # c6's reopened rejection
    }
    for name, (stays, median, p90) in expected.items():
        row = stages[name]
        assert (row.stays, row.median_days, row.p90_days) == (
            stays,
            pytest.approx(median, abs=1e-6),
            pytest.approx(p90, abs=1e-6),
        ), name
    assert (stages["Hired"].stays, stages["Hired"].median_days) == (0, None)


def test_dropoff_by_reason_counts_only_closed_applications(story):
    rows = [
        (r.outcome, r.reason, r.from_stage, r.count) for r in funnel(story.job_a, JANUARY).dropoff
    ]
    assert rows == [
        ("Rejected", "Communication", "Recruiter screen", 1),
        ("Rejected", "Salary expectations", "Recruiter screen", 1),
        ("Withdrawn", "Accepted another offer", "Recruiter screen", 1),
    ]


def test_by_source(story):
    sources = {row.source: row for row in funnel(story.job_a, JANUARY).sources}
    assert {name: (row.applications, row.reached, row.hired) for name, row in sources.items()} == {
        "referral": (3, [3, 3, 1, 1, 1, 1, 1], 1),
        "job board": (2, [2, 1, 1, 1, 0, 0, 0], 0),
        "careers site": (1, [1, 1, 0, 0, 0, 0, 0], 0),
        "agency": (1, [1, 1, 0, 0, 0, 0, 0], 0),
    }
    assert sources["referral"].yield_rate == pytest.approx(1 / 3)


def test_source_filter(story):
    result = funnel(story.job_a, JANUARY, source="job board")
    stages = by_name(result)
    assert result.applications == 2 and result.hired == 0
    assert stages["Recruiter screen"].reached == 1 and stages["Recruiter screen"].entered == 0
    assert (stages["Applied"].stays, stages["Applied"].median_days) == (1, pytest.approx(2.0))


def test_reapplying_to_another_job_counts_only_there(story):
    result = funnel(story.job_b, JANUARY)
    stages = by_name(result)
    assert result.applications == 2
    assert stages["Recruiter screen"].reached == 1
    assert [(r.reason, r.from_stage) for r in result.dropoff] == [("Experience level", "Applied")]


def test_window_is_by_application_date_with_both_ends_included(story):
    assert funnel(story.job_a, Window(date(2025, 12, 1), date(2025, 12, 31))).applications == 1
    # c1 applied on Jan 1 00:00, c2 on Jan 2 00:00: a one-day window holds only c1.
    assert funnel(story.job_a, Window(date(2026, 1, 1), date(2026, 1, 1))).applications == 1
    assert funnel(story.job_a, Window(date(2026, 1, 1), date(2026, 1, 2))).applications == 2
    empty = funnel(story.job_a, Window(date(2030, 1, 1), date(2030, 1, 31)))
    assert empty.applications == 0 and empty.yield_rate is None
    assert all(row.reached in (0, None) and row.median_days is None for row in empty.stages)


def test_rebuilding_the_stage_stats_changes_no_figure(story):
    from app.pipeline import stage_stats

    def figures(result):
        return (
            [
                (row.reached, row.entered, row.active, row.stays, row.median_days, row.p90_days)
                for row in result.stages
            ],
            result.sources,
            result.dropoff,
        )

    before = figures(funnel(story.job_a, JANUARY))
    stage_stats.rebuild()
    db.session.commit()
    after = figures(funnel(story.job_a, JANUARY))
    assert after[1:] == before[1:]
    for new, old in zip(after[0], before[0], strict=True):
        assert new[:4] == old[:4]
        assert new[4:] == pytest.approx(old[4:], abs=1e-6)

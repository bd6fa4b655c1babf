"""The derived tables the assessment reports read stay equal to a rebuild from the source tables
after every kind of change, in the transaction of the change; the migration backfills them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_migrate import downgrade, upgrade

from app import assessment_upkeep as upkeep
from app.extensions import db
from app.grading.exercises import load_exercise
from app.models import (
    AssessmentApplication,
    AssessmentObservation,
    AssessmentRevision,
    Role,
    now_utc,
)
from app.pipeline import operations as pipeline
from app.privacy.erasure import erase_candidate
from app.reports import self_id
from app.reports.demo import record_graded_run, record_interview
from tests.conftest import app_context_on
from tests.scorecards.conftest import staff

EXERCISE = "ml-take-home"


def snapshot() -> dict[str, set[tuple]]:
    db.session.flush()
    tables = (AssessmentObservation, AssessmentApplication)
    return {
        table.__tablename__: {tuple(row) for row in db.session.execute(sa.select(table.__table__))}
        for table in tables
    }


def revision(job_id: int) -> int:
    return db.session.scalar(
        sa.select(AssessmentRevision.revision).where(AssessmentRevision.job_id == job_id)
    )


def assert_current(job_id: int, seen: list[int]) -> None:
    """Incremental rows == a rebuild's, and the job's revision moved since the last check."""
    incremental = snapshot()
    upkeep.rebuild()
    assert snapshot() == incremental
    now = revision(job_id)
    assert now > seen[-1]
    seen.append(revision(job_id))  # the rebuild raised it once more


def build(exercise):  # type: ignore[no-untyped-def]
    recruiter = staff(Role.RECRUITER, "Rita Upkeep")
    ian, ines = staff(Role.INTERVIEWER, "Ian Upkeep"), staff(Role.INTERVIEWER, "Ines Upkeep")
    job = pipeline.create_job("Upkeep job", recruiter)
    stages = {stage.name: stage for stage in job.stages}
    at = now_utc() - timedelta(days=10)
    people = []
    for number in range(3):
        candidate = pipeline.add_candidate(f"Upkeep {number}", f"u{number}@example.com", "other")
        application = pipeline.apply(candidate, job, recruiter, at=at)
        people.append((candidate, application))
    return recruiter, (ian, ines), job, stages, people, at


def test_the_derived_rows_follow_every_kind_of_change(database_url):
    with app_context_on(database_url):
        db.create_all()
        exercise = load_exercise(current_app.config["EXERCISES_DIR"], EXERCISE)
        recruiter, panel, job, stages, people, at = build(exercise)
        seen = [0]
        assert_current(job.id, seen)  # applications opened
        (first, app1), (second, app2), _ = people
        for name in ("Recruiter screen", "Take-home"):
            for _, application in people:
                pipeline.move(application, stages[name], recruiter, at=at + timedelta(hours=1))
        assert_current(job.id, seen)  # stage moves
        record_graded_run(app1, exercise, {"summary": 3.0}, at + timedelta(hours=2), recruiter)
        record_graded_run(app2, exercise, {"no_leakage": 5.0}, at + timedelta(hours=2), None)
        assert_current(job.id, seen)  # graded runs ingested
        record_graded_run(app1, exercise, {"summary": 9.0}, at + timedelta(hours=3), recruiter)
        assert_current(job.id, seen)  # a re-upload replaces the counted run
        points = db.session.scalars(
            sa.select(AssessmentObservation.points).where(
                AssessmentObservation.application_id == app1.id
            )
        ).all()
        assert len(points) == 1 and "9.0" in points[0]
        pipeline.move(app1, stages["Technical interviews"], recruiter, at=at + timedelta(hours=4))
        given = {"python_engineering": "strong", "data_sql": "meets",
                 "learning_agility": "meets", "collaboration": "below"}  # fmt: skip
        record_interview(app1, "debugging", dict.fromkeys(panel, given), at, recruiter)
        assert_current(job.id, seen)  # scorecards submitted
        ratings = db.session.scalar(
            sa.select(AssessmentObservation.ratings).where(
                AssessmentObservation.application_id == app1.id
            )
        )
        assert '"python_engineering":[3,3]' in ratings
        self_id.save_answers(first, {"gender": "woman"})
        self_id.save_answers(second, {"gender": "man"})
        assert_current(job.id, seen)  # self-identification answers
        self_id.save_answers(second, {"gender": ""})
        assert_current(job.id, seen)  # an answer withdrawn
        rejected = next(s for s in job.stages if s.kind.value == "rejected")
        pipeline.move(app2, rejected, recruiter, reason="Other", at=at + timedelta(hours=6))
        assert_current(job.id, seen)  # a rejection
        db.session.commit()

        erase_candidate(first, None)
        assert_current(job.id, seen)  # erasure
        assert not db.session.scalars(
            sa.select(AssessmentObservation.run_id).where(
                AssessmentObservation.application_id == app1.id
            )
        ).all()
        kept = db.session.scalars(
            sa.select(AssessmentApplication.application_id).where(
                AssessmentApplication.candidate_id == first.id
            )
        ).all()
        assert kept == [app1.id]  # the application still counts in the funnel, unanswered
        db.session.commit()


def test_the_migration_backfills_existing_data(database_url):
    with app_context_on(database_url):
        upgrade()
        exercise = load_exercise(current_app.config["EXERCISES_DIR"], EXERCISE)
        recruiter, _, _job, stages, people, at = build(exercise)
        (candidate, application), *_ = people
        self_id.save_answers(candidate, {"gender": "woman"})
        for name in ("Recruiter screen", "Take-home"):
            pipeline.move(application, stages[name], recruiter, at=at + timedelta(hours=1))
        record_graded_run(application, exercise, {"summary": 3.0}, at + timedelta(hours=2), None)
        db.session.commit()
        expected = snapshot()
        assert len(expected["assessment_observations"]) == 1
        assert len(expected["assessment_applications"]) == 3
        db.session.remove()
        downgrade(revision="ed72e84c786d")  # the data as it was before the derived tables
        upgrade()
        assert snapshot() == expected
        db.session.remove()

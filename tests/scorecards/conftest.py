"""Scorecard fixtures: an application in Technical interviews, two interviewers on one panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Application, Interview, Role, User, now_utc
from app.pipeline import operations as pipeline_operations
from app.scorecards import operations
from app.scorecards.catalog import catalog
from app.scorecards.operations import ScorecardInput

KIT = "ship-this-model"  # production_mindset, ml_fundamentals, collaboration, learning_agility


@dataclass
class Panel:
    application: Application
    interview: Interview
    first: User
    second: User
    outsider: User  # an interviewer on no panel of this candidate
    recruiter: User


def full_input(level: str = "meets", recommendation: str = "yes", **overrides) -> ScorecardInput:
    kit = catalog().kit(KIT)
    values = {
        "levels": {key: level for key in kit.dimensions},
        "dimension_notes": {key: f"{level} evidence for {key}" for key in kit.dimensions},
        "signals": ("raises_operations",),
        "red_flags": (),
        "recommendation": recommendation,
        "notes": f"Summary: {recommendation}",
    }
    values.update(overrides)
    return ScorecardInput(**values)


def schedule(application, interviewers, kit_id=KIT, hours_ago=2, actor=None) -> Interview:
    installed = catalog()
    stage = next(s for s in application.job.stages if s.name == "Technical interviews")
    interview = operations.schedule_interview(
        application,
        stage,
        installed.kit(kit_id),
        interviewers,
        now_utc() - timedelta(hours=hours_ago),
        actor,
    )
    db.session.commit()
    return interview


def submit(interview, interviewer, data=None):
    installed = catalog()
    kit = installed.kit(interview.kit_id)
    card = operations.submit(
        interview, interviewer, data or full_input(), installed.rubric(kit.rubric_id), kit
    )
    db.session.commit()
    return card


def save(interview, interviewer, data=None):
    installed = catalog()
    kit = installed.kit(interview.kit_id)
    card = operations.save_draft(
        interview, interviewer, data or full_input(), installed.rubric(kit.rubric_id), kit
    )
    db.session.commit()
    return card


def staff(role: Role, name: str) -> User:
    """A staff account without a password (tests sign in with `auth.login_as`): hashing a
    password per user would dominate these tests' run time."""
    user = User(email=f"{name.lower().replace(' ', '.')}@hirelab.example", name=name, role=role)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def panel(app, create_job, create_candidate) -> Panel:
    recruiter = staff(Role.RECRUITER, "Riley Recruiter")
    job = create_job()
    candidate = create_candidate(job, name="Ada Lovelace")
    application = candidate.applications[0]
    stage = next(s for s in job.stages if s.name == "Technical interviews")
    pipeline_operations.move(application, stage, recruiter)
    db.session.commit()
    first = staff(Role.INTERVIEWER, "Ian First")
    second = staff(Role.INTERVIEWER, "Ines Second")
    outsider = staff(Role.INTERVIEWER, "Olga Outsider")
    interview = schedule(application, [first, second], actor=recruiter)
    return Panel(application, interview, first, second, outsider, recruiter)


def ingest_result(application, exercise, result, filename: str = "notebook.ipynb"):
    """Assign `exercise`, upload a notebook and store `result` (a sandbox GradingResult) as the
    worker stores it (claim, then record_result with the ingested scoring); returns the run."""
    from app.grading import operations as grading
    from app.grading.ingest import scored_run
    from app.models import Assignment, GradingRun, Submission

    assignment = Assignment(
        application=application,
        exercise_slug=exercise.id,
        time_budget_minutes=exercise.time_budget_minutes,
        open_by=now_utc() + timedelta(days=3),
    )
    submission = Submission(
        assignment=assignment, filename=filename, notebook=b"{}", sha256="0" * 64, size_bytes=2
    )
    run = GradingRun(submission=submission, exercise_version=exercise.version, queued_at=now_utc())
    db.session.add(assignment)
    db.session.flush()
    assert grading.claim_run(run.id, "worker", timedelta(seconds=60))
    assert grading.record_result(run.id, "worker", scored_run(result, exercise))
    db.session.commit()
    return run

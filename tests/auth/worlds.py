"""Two of everything: two jobs with different recruiters, each with a candidate who has an
application, an opened assignment, a graded-or-queued submission, an interview with its own
interviewer, a submitted scorecard and a note. Object-level tests walk one world as the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations as grading
from app.models import (
    Application,
    Assignment,
    Candidate,
    GradingRun,
    Interview,
    Job,
    JobMember,
    Role,
    Scorecard,
    Stage,
    User,
)
from app.pipeline import operations as pipeline
from app.reports.demo import allow_demographic_reports
from app.scorecards import scheduling
from tests.grading.conftest import TINY
from tests.scorecards.conftest import save, schedule, staff, submit


@dataclass
class World:
    name: str
    recruiter: User
    interviewer: User
    candidate_user: User
    job: Job
    stage: Stage
    candidate: Candidate
    application: Application
    assignment: Assignment
    run: GradingRun
    interview: Interview
    scorecard: Scorecard
    ids: dict[str, int] = field(default_factory=dict)


def build_world(name: str, marker: str = "", scored: bool = True) -> World:
    """Build one world; `marker` is planted in the notebook and the note, `scored=False` leaves
    the interviewer's scorecard a draft."""
    recruiter = staff(Role.RECRUITER, f"Recruiter {name}")
    interviewer = staff(Role.INTERVIEWER, f"Interviewer {name}")
    job = pipeline.create_job(f"Job {name}", recruiter)
    allow_demographic_reports(recruiter, staff(Role.ADMIN, f"Admin {name}"))
    candidate = pipeline.add_candidate(
        f"Candidate {name} Person", f"candidate-{name}@example.com", "referral"
    )
    application = pipeline.apply(candidate, job, recruiter)
    stage = next(s for s in job.stages if s.name == "Technical interviews")
    pipeline.move(application, stage, recruiter)
    candidate.user = auth_operations.create_user(
        candidate.email, candidate.name, Role.CANDIDATE, None
    )
    pipeline.add_note(candidate, recruiter, f"Note about {candidate.name} {marker}")
    invite, _ = auth_operations.issue_invite(
        candidate, recruiter, "test-secret-key", timedelta(days=1)
    )
    assignment = grading.assign_exercise(application, "tiny", 30, recruiter, timedelta(days=3))
    grading.open_assignment(assignment)
    notebook = (TINY / "reference" / "full-marks.ipynb").read_text()
    if marker:
        notebook = notebook.replace('"cells": [', f'"cells": [{marker_cell(marker)},', 1)
    run = grading.submit(assignment, f"{name}.ipynb", notebook.encode(), 1, 10**6)
    db.session.commit()
    interview = schedule(application, [interviewer], actor=recruiter)
    scorecard = submit(interview, interviewer) if scored else save(interview, interviewer)
    (invitation, *_) = scheduling.invite(interview, current_app.config)  # mails with an .ics
    db.session.commit()
    world = World(
        name,
        recruiter,
        interviewer,
        candidate.user,
        job,
        stage,
        candidate,
        application,
        assignment,
        run,
        interview,
        scorecard,
    )
    world.ids = {
        "job_id": job.id,
        "stage_id": stage.id,
        "candidate_id": candidate.id,
        "application_id": application.id,
        "assignment_id": assignment.id,
        "submission_id": run.submission_id,
        "run_id": run.id,
        "interview_id": interview.id,
        "scorecard_id": scorecard.id,
        "invite_id": invite.id,
        "message_id": invitation.id,
        "member_id": team_member(job, name).id,
        # Staff accounts are global (admins manage them): the team helper's account.
        "user_id": db.session.scalar(db.select(User.id).where(User.name == f"Helper {name}")),
        # Webhook endpoints are global (admins only); one per world gives the walk an id.
        "endpoint_id": webhook_endpoint(name).id,
        # ATS connections are organisation-wide (admins only); one per world, on its job.
        "connection_id": ats_connection(name, job.id).id,
    }
    return world


def ats_connection(name: str, job_id: int):
    from app.integrations.connections import create_connection

    helper = db.session.scalar(db.select(User).where(User.name == f"Helper {name}"))
    connection, _ = create_connection(f"ATS {name}", [job_id], helper, "test-secret-key")
    db.session.commit()
    return connection


def webhook_endpoint(name: str):
    from app.webhooks.operations import create_endpoint

    endpoint = create_endpoint(f"http://127.0.0.1:9/{name}", "", ["stage.changed"], None)
    db.session.commit()
    return endpoint


def team_member(job: Job, name: str) -> JobMember:
    member = JobMember(job_id=job.id, user_id=staff(Role.RECRUITER, f"Helper {name}").id)
    db.session.add(member)
    db.session.commit()
    return member


def marker_cell(marker: str) -> str:
    import json

    return json.dumps(
        {"cell_type": "markdown", "id": "marker", "metadata": {}, "source": f"# {marker}"}
    )

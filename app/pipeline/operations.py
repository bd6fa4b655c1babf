"""Jobs, candidates, applications and stage moves. Operations flush; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.auth.operations import normalise_email
from app.errors import DomainError, DuplicateError
from app.extensions import db
from app.models import (
    Application,
    Candidate,
    Job,
    Stage,
    StageKind,
    StageTransition,
    User,
    now_utc,
)

DEFAULT_PIPELINE: tuple[tuple[str, StageKind], ...] = (
    ("Applied", StageKind.NORMAL),
    ("Recruiter screen", StageKind.NORMAL),
    ("Take-home", StageKind.NORMAL),
    ("Technical interviews", StageKind.NORMAL),
    ("Debrief", StageKind.NORMAL),
    ("Offer", StageKind.NORMAL),
    ("Hired", StageKind.HIRED),
    ("Rejected", StageKind.REJECTED),
    ("Withdrawn", StageKind.WITHDRAWN),
)

SOURCES = ("referral", "careers site", "job board", "sourced", "agency", "university", "other")


def create_job(title: str, owner: User | None, department: str = "") -> Job:
    """Create a job with the default hiring pipeline (editable afterwards)."""
    if not title.strip():
        raise DomainError("Give the job a title.", field="title")
    job = Job(title=title.strip(), department=department.strip(), owner=owner)
    job.stages = [
        Stage(name=name, position=position, kind=kind)
        for position, (name, kind) in enumerate(DEFAULT_PIPELINE)
    ]
    db.session.add(job)
    db.session.flush()
    return job


def first_stage(job: Job) -> Stage:
    return next(stage for stage in job.stages if stage.kind is StageKind.NORMAL)


def add_candidate(name: str, email: str, source: str) -> Candidate:
    email = normalise_email(email)
    if db.session.scalar(select(Candidate.id).where(func.lower(Candidate.email) == email)):
        raise DuplicateError(f"A candidate with the email {email} already exists.", field="email")
    if source not in SOURCES:
        raise DomainError(f"Choose a source from: {', '.join(SOURCES)}.", field="source")
    candidate = Candidate(name=name.strip(), email=email, source=source)
    db.session.add(candidate)
    db.session.flush()
    return candidate


def apply(
    candidate: Candidate, job: Job, actor: User | None, at: datetime | None = None
) -> Application:
    """Open an application in the job's first stage, recording the entry as a transition."""
    exists = db.session.scalar(
        select(Application.id).where(
            Application.candidate_id == candidate.id, Application.job_id == job.id
        )
    )
    if exists:
        raise DuplicateError(f"{candidate.name} has already applied to {job.title}.", field="job")
    at = at or now_utc()
    stage = first_stage(job)
    application = Application(
        candidate=candidate, job=job, stage=stage, applied_at=at, stage_entered_at=at
    )
    application.transitions.append(
        StageTransition(from_stage=None, to_stage=stage, actor=actor, at=at)
    )
    db.session.add(application)
    db.session.flush()
    return application


def move(
    application: Application,
    to_stage: Stage,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
) -> StageTransition:
    """Move an application to another stage of its job; rejections need a reason."""
    if to_stage.job_id != application.job_id:
        raise DomainError("That stage belongs to another job.", field="stage")
    if to_stage.id == application.stage_id:
        raise DomainError(f"The application is already in {to_stage.name}.", field="stage")
    if to_stage.kind is StageKind.REJECTED and not reason.strip():
        raise DomainError("Say why the candidate is rejected.", field="reason")
    at = at or now_utc()
    transition = StageTransition(
        application=application,
        from_stage=application.stage,
        to_stage=to_stage,
        actor=actor,
        at=at,
        reason=reason.strip(),
    )
    application.stage = to_stage
    application.stage_entered_at = at
    db.session.add(transition)
    db.session.flush()
    return transition

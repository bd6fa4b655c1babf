"""Jobs, candidates, applications and stage moves. Operations flush; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app import assessment_upkeep as upkeep
from app import audit
from app.auth import policy
from app.auth.operations import normalise_email
from app.errors import DomainError, DuplicateError
from app.extensions import db
from app.models import (
    Application,
    Candidate,
    Job,
    Note,
    Stage,
    StageKind,
    StageTransition,
    User,
    now_utc,
)
from app.pipeline import stage_stats
from app.pipeline.reasons import (
    REASON_SEPARATOR,
    REJECTION_REASONS,
    WITHDRAWAL_REASONS,
    reason_category,
)
from app.search import index as search_index
from app.webhooks import events as webhook_events

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


def add_candidate(name: str, email: str, source: str, viewer: User | None = None) -> Candidate:
    """Add a candidate. An email that a candidate `viewer` may see already has is refused (they
    can open that profile); one known only in jobs `viewer` cannot reach makes a separate
    candidate, so the answer never reveals that the email exists elsewhere. Without a viewer
    (seeding, the CLI) every candidate counts."""
    email = normalise_email(email)
    existing = policy.match_candidate_by_email(viewer, email)
    if existing is not None:
        raise DuplicateError(
            f"A candidate with the email {email} already exists.", "email", existing_id=existing.id
        )
    return new_candidate(name, email, source)


def new_candidate(name: str, email: str, source: str) -> Candidate:
    """Add a candidate record without looking for an existing one: the caller matched the email
    in the scope it may reach (add_candidate, an ATS connection's jobs)."""
    email = normalise_email(email)
    if source not in SOURCES:
        raise DomainError(f"Choose a source from: {', '.join(SOURCES)}.", field="source")
    candidate = Candidate(name=name.strip(), email=email, source=source)
    db.session.add(candidate)
    search_index.refresh(candidate)
    return candidate


def apply(
    candidate: Candidate, job: Job, actor: User | None, at: datetime | None = None
) -> Application:
    """Open an application in the job's first stage, recording the entry as a transition."""
    policy.require_not_erased(candidate)
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
    stage_stats.record_entry(application, candidate.source, stage, at)
    db.session.flush()
    upkeep.refresh_applications([application.id])
    return application


def move(
    application: Application,
    to_stage: Stage,
    actor: User | None,
    reason: str = "",
    at: datetime | None = None,
) -> StageTransition:
    """Move an application to another stage of its job; rejections need a reason."""
    policy.require_not_erased(application.candidate)
    # Lock the row (PostgreSQL; SQLite serialises writers) and re-read its current stage, so two
    # recruiters moving the same candidate at once make two moves in order, not a lost update.
    db.session.execute(
        select(Application.id).where(Application.id == application.id).with_for_update()
    )
    db.session.refresh(application, ["stage_id", "stage_entered_at", "stage"])
    if to_stage.job_id != application.job_id:
        raise DomainError("That stage belongs to another job.", field="stage")
    if to_stage.id == application.stage_id:
        raise DomainError(f"The application is already in {to_stage.name}.", field="stage")
    if to_stage.kind is StageKind.REJECTED and not reason.strip():
        raise DomainError("Say why the candidate is rejected.", field="reason")
    at = at or now_utc()
    stage_stats.record_move(
        application, application.stage, application.stage_entered_at, to_stage, at, reason.strip()
    )
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
    upkeep.refresh_applications([application.id])
    _audit_move(transition, actor)
    webhook_events.stage_changed(transition)
    return transition


MOVE_AUDIT_ACTIONS = {
    StageKind.REJECTED: "application.rejected",
    StageKind.WITHDRAWN: "application.withdrawn",
}


def _audit_move(transition: StageTransition, actor: User | None) -> None:
    """Ids and the listed reason category only: the free text stays on the transition."""
    to_stage = transition.to_stage
    closing = to_stage.kind in MOVE_AUDIT_ACTIONS
    category = reason_category(transition.reason) if closing else ""
    audit.record(
        MOVE_AUDIT_ACTIONS.get(to_stage.kind, "application.moved"),
        candidate_id=transition.application.candidate_id,
        target=f"application:{transition.application_id}",
        detail=f"stage:{transition.from_stage_id} -> stage:{to_stage.id} {category}".strip(),
        actor=actor,
    )


MAX_BULK_MOVE = 500
MAX_NOTE_LENGTH = 10_000
MAX_MOVE_DETAILS = 2000  # the free text kept with a move (forms and API)
MAX_STALE_DAYS = 365


def compose_reason(category: str, details: str, kind: StageKind) -> str:
    """The stored reason for closing an application: a listed category, then free text if any."""
    allowed, missing = {
        StageKind.REJECTED: (REJECTION_REASONS, "Say why the candidate is rejected"),
        StageKind.WITHDRAWN: (WITHDRAWAL_REASONS, "Say why the candidate withdrew"),
    }[kind]
    if not category:
        raise DomainError(f"{missing}: choose a reason from the list.", field="reason")
    if category not in allowed:
        raise DomainError(
            f"“{category}” is not a {kind.value} reason; choose one of: {', '.join(allowed)}.",
            field="reason",
        )
    details = move_details(details)
    return f"{category}{REASON_SEPARATOR}{details}" if details else category


def terminal_stage(job: Job, kind: StageKind) -> Stage:
    stage = next((stage for stage in job.stages if stage.kind is kind), None)
    if stage is None:
        raise DomainError(f"{job.title} has no {kind.value} stage.", field="stage")
    return stage


def reject(
    application: Application, category: str, details: str, actor: User | None
) -> StageTransition:
    """Move an application to Rejected with a reason from REJECTION_REASONS (+ free text)."""
    reason = compose_reason(category, details, StageKind.REJECTED)
    return move(application, terminal_stage(application.job, StageKind.REJECTED), actor, reason)


def withdraw(
    application: Application, category: str, details: str, actor: User | None
) -> StageTransition:
    """Record that the candidate withdrew, with a reason from WITHDRAWAL_REASONS (+ free text)."""
    reason = compose_reason(category, details, StageKind.WITHDRAWN)
    return move(application, terminal_stage(application.job, StageKind.WITHDRAWN), actor, reason)


def move_many(
    job: Job,
    application_ids: list[int],
    to_stage_id: int,
    actor: User | None,
    category: str = "",
    details: str = "",
    backwards: bool = False,
) -> list[StageTransition]:
    """Move several applications of one job to one stage: all of them, or none.

    Every move is checked before any is made, so one bad pick leaves the board as it was. A move
    to an earlier stage than an application's current one needs `backwards` (an explicit choice).
    """
    ids = sorted(set(application_ids))
    if not ids:
        raise DomainError("Tick at least one candidate to move.", field="applications")
    if len(ids) > MAX_BULK_MOVE:
        raise DomainError(
            f"Move at most {MAX_BULK_MOVE} candidates at a time.", field="applications"
        )
    stage = stage_of(job, to_stage_id)
    reason = move_reason(stage, category, details)
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.id.in_(ids), Application.job_id == job.id)
            .options(db.joinedload(Application.candidate))
            # Moves lock rows one by one: in id order, so overlapping bulk moves cannot deadlock.
            .order_by(Application.id)
        )
    )
    if len(applications) != len(ids):
        raise DomainError(
            "Some ticked candidates are no longer in this job; reload the board and try again.",
            field="applications",
        )
    already = sorted(a.candidate.name for a in applications if a.stage_id == stage.id)
    if already:
        raise DomainError(
            f"Already in {stage.name}: {', '.join(already)}. Untick them and move the others.",
            field="applications",
        )
    behind = sorted(a.candidate.name for a in applications if is_backwards(a, stage))
    if behind and not backwards:
        raise DomainError(
            f"{stage.name} comes before the current stage of {', '.join(behind)}: tick "
            "“move back to an earlier stage” to confirm, or choose a later stage.",
            field="backwards",
        )
    at = now_utc()
    return [move(application, stage, actor, reason, at=at) for application in applications]


def move_application(
    application: Application,
    to_stage_id: int,
    actor: User | None,
    category: str = "",
    details: str = "",
    backwards: bool = False,
) -> StageTransition:
    """Move one application to a stage of its job, by the rules of `move_many`."""
    stage = stage_of(application.job, to_stage_id)
    if stage.id == application.stage_id:
        raise DomainError(f"The application is already in {stage.name}.", field="stage")
    (transition,) = move_many(
        application.job, [application.id], stage.id, actor, category, details, backwards
    )
    return transition


def stage_of(job: Job, stage_id: int | None) -> Stage:
    """The stage of `job` with this id; any other id is refused with the job's stages listed."""
    stage = next((stage for stage in job.stages if stage.id == stage_id), None)
    if stage is None:
        choices = ", ".join(f"{s.id} ({s.name})" for s in job.stages)
        raise DomainError(f"Choose a stage of {job.title}: {choices}.", field="stage")
    return stage


def move_reason(stage: Stage, category: str, details: str) -> str:
    """The stored reason of a move to `stage`: a listed category (+ details) for Rejected and
    Withdrawn, only details for any other stage (a listed category there is refused)."""
    if stage.kind in (StageKind.REJECTED, StageKind.WITHDRAWN):
        return compose_reason(category, details, stage.kind)
    if category:
        raise DomainError(
            f"A reason from the list is for Rejected or Withdrawn, not {stage.name}: "
            "clear it, or write a note in Details.",
            field="reason",
        )
    return move_details(details)


def move_details(details: str) -> str:
    """The free text kept with a move, stripped; at most MAX_MOVE_DETAILS characters."""
    details = details.strip()
    if len(details) > MAX_MOVE_DETAILS:
        raise DomainError(
            f"Keep the details under {MAX_MOVE_DETAILS} characters (they have {len(details)}).",
            field="details",
        )
    return details


def is_backwards(application: Application, to_stage: Stage) -> bool:
    """A move to an earlier stage of the plan (reopening a closed application counts)."""
    return to_stage.position < application.stage.position


def following_stage(application: Application) -> Stage | None:
    """The next stage of the plan after the current one (Rejected/Withdrawn exits excluded)."""
    later = [
        stage
        for stage in application.job.stages
        if stage.position > application.stage.position
        and stage.kind in (StageKind.NORMAL, StageKind.HIRED)
    ]
    return min(later, key=lambda stage: stage.position, default=None)


def add_candidate_to_job(
    name: str, email: str, source: str, job: Job | None, actor: User
) -> Candidate:
    """Add a candidate (refusing a duplicate the actor may see) and apply them to `job`, if any."""
    candidate = add_candidate(name, email, source, viewer=actor)
    if job is not None:
        apply(candidate, job, actor)
    return candidate


def add_note(candidate: Candidate, author: User | None, body: str) -> Note:
    """Leave a note on a candidate's profile (audited)."""
    policy.require_not_erased(candidate)
    body = body.strip()
    if not body:
        raise DomainError("Write something in the note.", field="body")
    if len(body) > MAX_NOTE_LENGTH:
        raise DomainError(
            f"Keep a note under {MAX_NOTE_LENGTH} characters (it has {len(body)}).", field="body"
        )
    note = Note(candidate=candidate, author=author, body=body)
    db.session.add(note)
    db.session.flush()
    search_index.refresh(candidate)
    audit.record(
        "candidate.note_added",
        candidate_id=candidate.id,
        target=f"note:{note.id}",
        actor=author,
    )
    return note


def set_stale_after_days(job: Job, days: int) -> None:
    """Set after how many days in one stage the board flags a candidate as stale."""
    if not 1 <= days <= MAX_STALE_DAYS:
        raise DomainError(
            f"Choose a number of days between 1 and {MAX_STALE_DAYS}.", field="stale_after_days"
        )
    job.stale_after_days = days
    db.session.flush()

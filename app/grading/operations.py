"""Assignments, submissions and the grading-run lifecycle. Operations flush; callers commit.

A run moves queued → running (a worker holds a lease and renews it) → graded, or back to queued when
its lease expires (the worker died) or the sandbox infrastructure failed, and to failed after the
last attempt. Every transition is a conditional UPDATE, so two workers can never both own a run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import CursorResult, select, update

from app import assessment_upkeep as upkeep
from app import outbox
from app.auth import policy
from app.errors import DomainError, DuplicateError
from app.extensions import db
from app.grading import variants
from app.grading.exercises import Exercise
from app.grading.scoring import ScoredGroup
from app.models import (
    Application,
    Assignment,
    GradingRun,
    GroupScore,
    RedFlag,
    RunStatus,
    Submission,
    TestOutcome,
    User,
    now_utc,
)
from app.models.board_revision import touch_runs
from app.similarity import operations as similarity
from app.similarity import variant_numbers
from app.webhooks import events as webhook_events
from sandbox.intake import IntakeError, sanitize_notebook

MAX_ATTEMPTS = 3
RETRY_DELAY_S = 10  # after the sandbox infrastructure failed (engine restarting, image missing)
ENGINE_RETRY_S = 15  # while the sandbox engine does not answer at all (not counted as an attempt)
MAX_FILENAME = 120
MAX_DISCLOSURE = 5_000


@dataclass(frozen=True)
class ScoredRun:
    """What a worker stores for a finished run (sandbox verdict + scoring, as plain values)."""

    verdict: str
    message: str
    score: float
    max_score: float
    duration_s: float
    cells_total: int
    cells_executed: int
    groups: tuple[ScoredGroup, ...]
    tests: tuple[tuple[str, str, str, str], ...]  # (test id, group, outcome, message)
    executed_notebook: bytes | None
    logs: str
    flags: tuple[tuple[str, str, str, str], ...] = ()  # (kind, group, test, message)


def assign_exercise(
    application: Application,
    exercise_slug: str,
    time_budget_minutes: int,
    actor: User | None,
    open_within: timedelta,
) -> Assignment:
    """Give a candidate an exercise to open within `open_within`; moves no pipeline stage."""
    policy.require_not_erased(application.candidate)
    if application.stage.kind.is_terminal:
        raise DomainError(f"The application is closed ({application.stage.name}).")
    if any(a.exercise_slug == exercise_slug for a in assignments_of(application)):
        raise DuplicateError(
            "This exercise is already assigned to the candidate.", field="exercise"
        )
    assignment = Assignment(
        application=application,
        exercise_slug=exercise_slug,
        stage_id=application.stage_id,
        time_budget_minutes=time_budget_minutes,
        assigned_by=actor,
        open_by=now_utc() + open_within,
        variant_seed=variants.new_seed(),
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def assignments_of(application: Application) -> list[Assignment]:
    return list(
        db.session.scalars(db.select(Assignment).where(Assignment.application_id == application.id))
    )


def variant_folder(assignment: Assignment, exercise: Exercise) -> Path:
    """The folder of the assignment's variant (starter/ to download, hidden/ to grade), generated
    from the seed stored on the assignment; its expected numbers are stored the first time."""
    folder = variants.variant_folder(exercise, assignment.variant_seed)
    if assignment.variant_numbers is None and folder != exercise.folder:
        assignment.variant_numbers = variants.expected_numbers(exercise, assignment.variant_seed)
    return folder


def open_assignment(assignment: Assignment, now: datetime | None = None) -> None:
    """Start the time box the first time the candidate opens the exercise."""
    now = now or now_utc()
    if assignment.opened_at is not None:
        return
    if now > assignment.open_by:
        raise DomainError(
            "This exercise had to be started before "
            f"{assignment.open_by:%d %b %Y %H:%M} UTC. Ask your recruiter to extend it."
        )
    assignment.opened_at = now
    assignment.deadline_at = now + timedelta(minutes=assignment.time_budget_minutes)


def submit(
    assignment: Assignment,
    filename: str,
    data: bytes,
    exercise_version: int,
    max_bytes: int,
    now: datetime | None = None,
    *,
    ai_policy: str | None = None,
    ai_disclosure: str = "",
) -> GradingRun:
    """Validate and store an uploaded notebook and queue its grading (latest counts, all kept).

    `ai_policy` is the exercise's; under `allowed_with_disclosure` the upload needs a disclosure."""
    now = now or now_utc()
    ai_disclosure = (ai_disclosure or "").strip()
    if ai_policy == "allowed_with_disclosure" and not ai_disclosure:
        raise DomainError(
            "This exercise allows AI assistants only with a disclosure: say which tools you used "
            "and for what (or that you used none), then upload again.",
            field="ai_disclosure",
        )
    if len(ai_disclosure) > MAX_DISCLOSURE:
        raise DomainError(
            f"The AI-use disclosure is {len(ai_disclosure):,} characters; keep it under "
            f"{MAX_DISCLOSURE:,}.",
            field="ai_disclosure",
        )
    if assignment.deadline_at is None:
        raise DomainError("Open the exercise before uploading a notebook.")
    if now > assignment.deadline_at:
        raise DomainError(
            f"The deadline passed at {assignment.deadline_at:%d %b %Y %H:%M} UTC; "
            "late submissions are not accepted. Contact your recruiter if something went wrong.",
            field="notebook",
        )
    filename = clean_filename(filename)
    if data[:4] == b"PK\x03\x04" or data[:2] == b"\x1f\x8b":
        raise DomainError(
            f"“{filename}” is a compressed archive, not a notebook: extract it and upload the "
            ".ipynb file itself.",
            field="notebook",
        )
    if not filename.lower().endswith(".ipynb"):
        raise DomainError(
            f"“{filename}” is not a Jupyter notebook: upload the .ipynb file "
            "(File > Download as > Notebook).",
            field="notebook",
        )
    try:
        notebook = sanitize_notebook(data, max_bytes=max_bytes)
    except IntakeError as error:
        raise DomainError(f"This upload was not accepted: {error}", field="notebook") from error
    submission = Submission(
        assignment=assignment,
        filename=filename,
        notebook=notebook,
        sha256=hashlib.sha256(notebook).hexdigest(),
        size_bytes=len(notebook),
        submitted_at=now,
        ai_policy=ai_policy,
        ai_disclosure=ai_disclosure,
    )
    run = GradingRun(submission=submission, exercise_version=exercise_version, queued_at=now)
    db.session.add_all([submission, run])
    db.session.flush()
    outbox.enqueue(outbox.KIND_GRADE, run.id)
    return run


def clean_filename(name: str, default: str = "notebook.ipynb") -> str:
    """An uploaded file's name as stored and shown: no folders (``../``, ``C:\\``), no control
    characters, no leading dots, at most 120 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    return name[-MAX_FILENAME:] or default


def request_regrade(submission: Submission, actor: User, exercise_version: int) -> GradingRun:
    """Queue a new run of a stored submission (the old runs stay for the record)."""
    run = GradingRun(submission=submission, requested_by=actor, exercise_version=exercise_version)
    db.session.add(run)
    db.session.flush()
    outbox.enqueue(outbox.KIND_GRADE, run.id)
    return run


def claim_run(run_id: int, owner: str, lease: timedelta, now: datetime | None = None) -> bool:
    """Take the lease of a queued run; False when another worker has it or it is finished."""
    now = now or now_utc()
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(GradingRun)
        .where(GradingRun.id == run_id, GradingRun.status == RunStatus.QUEUED)
        .values(
            status=RunStatus.RUNNING,
            lease_owner=owner,
            lease_expires_at=now + lease,
            attempts=GradingRun.attempts + 1,
            started_at=now,
            cells_done=0,
            cells_total=0,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _owned(run_id: int, owner: str):
    return (
        GradingRun.id == run_id,
        GradingRun.status == RunStatus.RUNNING,
        GradingRun.lease_owner == owner,
    )


def renew_lease(
    run_id: int, owner: str, lease: timedelta, cells_done: int, cells_total: int
) -> bool:
    """Heartbeat: extend the lease and publish progress; False when the lease was lost."""
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(GradingRun)
        .where(*_owned(run_id, owner))
        .values(lease_expires_at=now_utc() + lease, cells_done=cells_done, cells_total=cells_total)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def record_result(run_id: int, owner: str, scored: ScoredRun) -> bool:
    """Store a finished run; False (and nothing written) when the lease was lost meanwhile."""
    result: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(GradingRun)
        .where(*_owned(run_id, owner))
        .values(
            status=RunStatus.GRADED,
            graded_by=owner,
            lease_owner=None,
            lease_expires_at=None,
            finished_at=now_utc(),
            verdict=scored.verdict,
            message=scored.message,
            score=scored.score,
            max_score=scored.max_score,
            duration_s=scored.duration_s,
            cells_total=scored.cells_total,
            cells_done=scored.cells_executed,
            executed_notebook=scored.executed_notebook,
            logs=scored.logs,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    touch_runs(db.session, [run_id])  # the card's score (the UPDATE bypasses the flush hook)
    db.session.add_all(
        GroupScore(
            run_id=run_id,
            group_id=group.group_id,
            title=group.title,
            dimension=group.dimension,
            score=group.score,
            max_score=group.max_score,
            visible=group.visible,
            message=group.message,
        )
        for group in scored.groups
    )
    db.session.add_all(
        TestOutcome(
            run_id=run_id, test_id=test_id, group_id=group, outcome=outcome, message=message
        )
        for test_id, group, outcome, message in scored.tests
    )
    db.session.add_all(
        RedFlag(run_id=run_id, kind=kind, group_id=group, test_id=test, message=message)
        for kind, group, test, message in scored.flags
    )
    db.session.flush()
    upkeep.refresh_assignments(
        db.session.scalars(
            select(Submission.assignment_id)
            .join(GradingRun, GradingRun.submission_id == Submission.id)
            .where(GradingRun.id == run_id)
        )
    )
    similarity.check_graded_run(run_id)  # evidence for reviewers; moves and scores nothing
    run = db.session.get(GradingRun, run_id)
    if run is not None:  # numbers computed on another candidate's variant: evidence, too
        variant_numbers.check_submission(run.submission)
    outbox.complete(outbox.KIND_GRADE, run_id)
    webhook_events.submission_graded(run_id)
    webhook_events.ats_orders_graded(run_id)
    return True


def release_after_error(
    run_id: int, owner: str, message: str, *, engine_unavailable: bool = False
) -> RunStatus | None:
    """The sandbox infrastructure failed: queue the run again, or fail it after the last attempt.
    An engine that did not answer at all never tried the run: that attempt is not counted, and
    the run waits for the engine (queued, in `flask queue status`) however long it is away."""
    # populate_existing: the claim was a bulk UPDATE, so a cached object could be stale.
    run = db.session.get(GradingRun, run_id, populate_existing=True, with_for_update=True)
    if run is None or run.status is not RunStatus.RUNNING or run.lease_owner != owner:
        return None
    if engine_unavailable:
        run.attempts -= 1
    _release(run, message, delay_s=ENGINE_RETRY_S if engine_unavailable else RETRY_DELAY_S)
    return run.status


def _release(run: GradingRun, message: str, delay_s: float = 0.0) -> None:
    run.lease_owner = None
    run.lease_expires_at = None
    if run.attempts >= MAX_ATTEMPTS:
        run.status = RunStatus.FAILED
        run.verdict = "error"
        run.finished_at = now_utc()
        run.message = f"Grading failed {run.attempts} times; last error: {message}"
        outbox.complete(outbox.KIND_GRADE, run.id, error=message)
    else:
        run.status = RunStatus.QUEUED
        run.message = f"Retrying after: {message}"
        outbox.enqueue(outbox.KIND_GRADE, run.id, delay_s=delay_s)


def requeue_expired(now: datetime | None = None) -> list[GradingRun]:
    """Runs whose worker stopped renewing its lease go back to the queue (or fail at the limit)."""
    now = now or now_utc()
    expired = db.session.scalars(
        db.select(GradingRun)
        .where(GradingRun.status == RunStatus.RUNNING, GradingRun.lease_expires_at < now)
        .with_for_update(skip_locked=True)
    ).all()
    for run in expired:
        _release(run, f"the worker {run.lease_owner} stopped responding")
    db.session.flush()
    return list(expired)

"""Raising notifications for events. Each lands in the user's in-app list and is mailed through
the one mail function, unless the user turned that kind off. Flushes; callers commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select

from app import mail
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Application,
    GradingRun,
    Interview,
    InterviewAssignment,
    JobMember,
    Notification,
    Role,
    Scorecard,
    ScorecardStatus,
    Submission,
    User,
    now_utc,
)

KINDS = {
    "scorecard_due": "Scorecard due: an interview I sit on has started",
    "scorecard_overdue": "Scorecard overdue: still not submitted long after the interview",
    "grading_finished": "Grading finished for a candidate I work with",
    "candidate_submitted": "A candidate uploaded a take-home",
}


def is_muted(user: User, kind: str) -> bool:
    return kind in user.muted_notifications.split(",")


def set_muted(user: User, muted: list[str]) -> None:
    unknown = [kind for kind in muted if kind not in KINDS]
    if unknown:
        raise DomainError(f"Unknown notification kind(s): {', '.join(unknown)}.", field="muted")
    user.muted_notifications = ",".join(kind for kind in KINDS if kind in muted)
    db.session.flush()


def notify(
    user: User, kind: str, key: str, message: str, link: str, config: dict[str, Any]
) -> Notification | None:
    """One notification per (user, kind, key); None when muted, inactive or already sent."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not user.active or is_muted(user, kind):
        return None
    already = db.session.scalar(
        select(
            exists().where(
                Notification.user_id == user.id, Notification.kind == kind, Notification.key == key
            )
        )
    )
    if already:
        return None
    note = Notification(user=user, kind=kind, key=key, message=message[:500], link=link[:300])
    db.session.add(note)
    base = config.get("PUBLIC_URL", "").rstrip("/")
    mail.send(
        config,
        user.email,
        f"HireLab: {message[:120]}",
        f"Hello {user.name},\n\n{message}\n\nOpen it in HireLab: {base}{link}\n\n"
        "You can turn this kind of notification off under Settings.\n",
    )
    db.session.flush()
    return note


def _job_recruiters(application: Application) -> list[User]:
    """The job's owner and team (recruiters); admins when the job has neither."""
    job = application.job
    people = [job.owner] if job.owner is not None else []
    people += list(
        db.session.scalars(select(User).join(JobMember).where(JobMember.job_id == job.id))
    )
    if not people:
        people = list(db.session.scalars(select(User).where(User.role == Role.ADMIN)))
    return list({user.id: user for user in people if user is not None}.values())


def candidate_submitted(submission: Submission, config: dict[str, Any]) -> None:
    application = submission.assignment.application
    for user in _job_recruiters(application):
        notify(
            user,
            "candidate_submitted",
            f"submission:{submission.id}",
            f"{application.candidate.name} uploaded {submission.filename} for "
            f"{application.job.title}.",
            f"/candidates/{application.candidate_id}",
            config,
        )


def grading_finished(run_id: int, config: dict[str, Any]) -> None:
    run = db.session.get(GradingRun, run_id)
    if run is None:
        return
    submission = run.submission
    application = submission.assignment.application
    panel = db.session.scalars(
        select(User)
        .join(InterviewAssignment, InterviewAssignment.interviewer_id == User.id)
        .join(Interview, Interview.id == InterviewAssignment.interview_id)
        .where(Interview.application_id == application.id)
    ).all()
    score = f" ({run.score:g}/{run.max_score:g})" if run.score is not None and run.max_score else ""
    for user in {u.id: u for u in [*_job_recruiters(application), *panel]}.values():
        name = application.candidate.name if user.role is not Role.INTERVIEWER else "a candidate"
        notify(
            user,
            "grading_finished",
            f"run:{run.id}",
            f"Grading finished for {name}'s {submission.assignment.exercise_slug}{score}.",
            f"/submissions/{submission.id}",
            config,
        )


def sweep_scorecards(now: datetime, overdue_hours: int, config: dict[str, Any]) -> int:
    """Notify panel members whose interview started (due) or ended long ago (overdue) and who
    have not submitted their scorecard. Safe to run as often as wanted."""
    submitted = exists().where(
        Scorecard.interview_id == Interview.id,
        Scorecard.interviewer_id == InterviewAssignment.interviewer_id,
        Scorecard.status == ScorecardStatus.SUBMITTED,
    )
    seats = db.session.execute(
        select(Interview, User)
        .join(InterviewAssignment, InterviewAssignment.interview_id == Interview.id)
        .join(User, User.id == InterviewAssignment.interviewer_id)
        .where(
            Interview.scheduled_at <= now,
            Interview.scheduled_at > now - timedelta(days=30),
            Interview.cancelled_at.is_(None),
            ~submitted,
        )
    ).all()
    sent = 0
    for interview, user in seats:
        overdue = interview.scheduled_at < now - timedelta(hours=overdue_hours)
        kind = "scorecard_overdue" if overdue else "scorecard_due"
        verb = "is overdue" if overdue else "is due"
        note = notify(
            user,
            kind,
            f"interview:{interview.id}",
            f"Your scorecard for the {interview.kit_title} interview {verb}.",
            f"/interviews/{interview.id}/scorecard",
            config,
        )
        sent += note is not None
    return sent


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    query = select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    now = now_utc()
    notes = list(db.session.scalars(query))
    for note in notes:
        note.read_at = now
    db.session.flush()
    return len(notes)

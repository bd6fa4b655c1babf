"""Invites, blind review and job teams as the privacy pages change them. Flushes only."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.auth import operations as auth_operations
from app.errors import DomainError, DuplicateError
from app.extensions import db
from app.models import Candidate, Invite, Job, JobMember, Role, User, now_utc


def invites_of(candidate: Candidate) -> list[Invite]:
    return list(
        db.session.scalars(
            select(Invite).where(Invite.candidate_id == candidate.id).order_by(Invite.id.desc())
        )
    )


def invite_state(invite: Invite) -> str:
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= now_utc():
        return "expired"
    return "active"


def revoke(invite: Invite, actor: User) -> None:
    """Withdraw an invite link: it stops signing the candidate in at once."""
    if invite.revoked_at is not None:
        raise DomainError("This invite link was already revoked.")
    auth_operations.revoke_invite(invite)
    audit.record(
        "invite.revoked",
        candidate_id=invite.candidate_id,
        target=f"invite:{invite.id}",
        actor=actor,
    )
    db.session.flush()


def set_blind_review(job: Job, enabled: bool, actor: User) -> None:
    job.blind_review = enabled
    audit.record(
        "job.blind_review", target=f"job:{job.id}", detail="on" if enabled else "off", actor=actor
    )
    db.session.flush()


def add_team_member(job: Job, email: str, actor: User) -> User:
    """Give a recruiter access to a job they do not own."""
    user = auth_operations.find_user_by_email(email)
    if user is None or user.role is not Role.RECRUITER or not user.active:
        raise DomainError(f"No active recruiter signs in as {email}.", field="email")
    if user.id == job.owner_id or db.session.scalar(
        select(JobMember.id).where(JobMember.job_id == job.id, JobMember.user_id == user.id)
    ):
        raise DuplicateError(f"{user.name} already works on {job.title}.", field="email")
    db.session.add(JobMember(job_id=job.id, user_id=user.id))
    audit.record("job.team", target=f"job:{job.id}", detail=f"added user:{user.id}", actor=actor)
    db.session.flush()
    return user


def remove_team_member(member: JobMember, actor: User) -> None:
    """Take a recruiter off a job's team: they lose access at once."""
    audit.record(
        "job.team",
        target=f"job:{member.job_id}",
        detail=f"removed user:{member.user_id}",
        actor=actor,
    )
    db.session.delete(member)
    db.session.flush()


def team_of(job: Job) -> list[JobMember]:
    return list(
        db.session.scalars(
            select(JobMember)
            .join(User, JobMember.user_id == User.id)
            .where(JobMember.job_id == job.id)
            .options(db.joinedload(JobMember.user))
            .order_by(User.name)
        )
    )

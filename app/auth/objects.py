"""Object-level access: which jobs, candidates, applications and interviews a user may reach.

The one place these rules live (views, queries and the API call these helpers):
- admins reach everything;
- recruiters reach the jobs they own or are on the team of (`JobMember`), and jobs with no owner
  (shared by the whole recruiting team), with those jobs' candidates and applications;
- interviewers reach only applications they sit on an interview panel for (what they may read of
  other interviewers' scorecards is app/scorecards/independence.py);
- candidates reach only their own applications.
A denied object answers 403 to staff (the route walk and IDOR tests in tests/auth check it).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, Select, exists, or_, select

from app.extensions import db
from app.models import (
    Application,
    Candidate,
    Interview,
    InterviewAssignment,
    Job,
    JobMember,
    Role,
    User,
)


def on_interview_panel(user: User, application_id: int) -> bool:
    """True when `user` interviews the candidate of this application."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    InterviewAssignment.interviewer_id == user.id,
                    InterviewAssignment.interview_id == Interview.id,
                    Interview.application_id == application_id,
                )
            )
        )
    )


def job_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause on `Job` selecting the jobs `user` recruits for (all of them for admins)."""
    if user.role is Role.ADMIN:
        return Job.id.is_not(None)
    if user.role is not Role.RECRUITER:
        return Job.id.is_(None)
    member = exists().where(JobMember.job_id == Job.id, JobMember.user_id == user.id)
    return or_(Job.owner_id.is_(None), Job.owner_id == user.id, member)


def accessible_job_ids(user: User) -> list[int]:
    return list(db.session.scalars(select(Job.id).where(job_filter(user))))


def visible_candidate_ids(user: User) -> Select[tuple[int]]:
    """A subquery of the candidates with an application in a job `user` recruits for."""
    return (
        select(Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .where(job_filter(user))
    )


def can_access_job(user: User, job: Job) -> bool:
    """Whether `user` may see and run this job's pipeline (board, funnel, candidates)."""
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.RECRUITER:
        return False
    if job.owner_id is None or job.owner_id == user.id:
        return True
    return bool(
        db.session.scalar(
            select(exists().where(JobMember.job_id == job.id, JobMember.user_id == user.id))
        )
    )


def can_view_application(user: User, application: Application) -> bool:
    """Recruiters of the job and admins see an application; interviewers only those they
    interview; candidates only their own."""
    if user.role in (Role.ADMIN, Role.RECRUITER):
        return can_access_job(user, application.job)
    if user.role is Role.INTERVIEWER:
        return on_interview_panel(user, application.id)
    return user.candidate is not None and application.candidate_id == user.candidate.id


def can_view_candidate(user: User, candidate: Candidate) -> bool:
    """A candidate's profile: visible when any of their applications is."""
    if user.role is Role.ADMIN:
        return True
    if user.role is Role.CANDIDATE:
        return user.candidate is not None and user.candidate.id == candidate.id
    return any(can_view_application(user, a) for a in candidate.applications)


def can_view_interview(user: User, interview: Interview) -> bool:
    """Panel members and the job's recruiters (admins: all) may open an interview."""
    if user.role is Role.INTERVIEWER:
        return any(seat.interviewer_id == user.id for seat in interview.panel)
    return user.role in (Role.ADMIN, Role.RECRUITER) and can_access_job(
        user, interview.application.job
    )


def require(allowed: bool) -> None:
    """Abort with 403 unless `allowed`: the one way views refuse an object."""
    if not allowed:
        abort(403)


def job_or_403(user: User, job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    require(can_access_job(user, job))
    return job


def candidate_or_403(user: User, candidate_id: int) -> Candidate:
    candidate = db.get_or_404(Candidate, candidate_id)
    require(can_view_candidate(user, candidate))
    return candidate


def application_or_403(user: User, application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    require(can_view_application(user, application))
    return application


def interview_or_403(user: User, interview_id: int) -> Interview:
    interview = db.get_or_404(Interview, interview_id)
    require(can_view_interview(user, interview))
    return interview

"""The visibility policy: may a viewer reach an object, and WHICH PARTS of it may they see.

Every surface asks this module — HTML views, the collections templates loop over, the API's
representations, CSV exports, CSV import matching, the outbox and the audit pages — so a rule is
decided once. (Who may read which scorecard is the independence rule,
app/auth/independence.py, which builds on `can_view_application` here.)

Reach (whole objects):
- admins reach everything;
- recruiters reach the jobs they own or are on the team of (`JobMember`), and jobs with no owner
  (shared by the whole recruiting team), with those jobs' applications; a candidate through any of
  those applications — and only those applications of them (`visible_applications`);
- interviewers reach only applications they sit on an interview panel for;
- candidates reach only their own applications;
- an ATS connection (app/integrations) reaches only the open jobs it was given, and in them only
  the candidates, applications and orders of those jobs (`ats_jobs`, `ats_candidate_by_email`,
  `ats_reaches_order`): it never matches, reveals or touches another job's candidates.

Parts (fields of an object the viewer reaches):
- `shows_move_details`: a move's free-text reason and its actor are internal (staff only);
- `is_blind` / `submission_filename` / `shows_notebook_metadata`: under blind review an
  interviewer sees no name, file name or notebook metadata until they scored every interview;
- `visible_group_scores` / `visible_total`: candidates see only the test groups the exercise marks
  visible, and a total made of those groups alone (never one that includes hidden groups);
- `visible_red_flags`: red-flag evidence of a grading run (an overclaim, a mutated input) is for
  the hiring team who reach the submission — interviewers too, blind or not (a flag names a test
  and what it measured, not the candidate) — and never for the candidate (it would teach the
  hidden checks).

Role groups (`RECRUITING`, `STAFF`, `EVERYONE`) are declared here once; views import them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import abort
from sqlalchemy import ColumnElement, Select, exists, func, or_, select

from app.errors import DomainError
from app.extensions import db
from app.models import (
    STAFF_ROLES,
    Application,
    AtsConnection,
    AtsOrder,
    Candidate,
    Interview,
    InterviewAssignment,
    Job,
    JobMember,
    OutboxMessage,
    RedFlag,
    Role,
    User,
)

if TYPE_CHECKING:
    from app.models import GradingRun, GroupScore, StageTransition, Submission

RECRUITING = (Role.ADMIN, Role.RECRUITER)
STAFF = STAFF_ROLES
EVERYONE = tuple(Role)

BLIND_FILENAME = "notebook.ipynb"
EMAIL_LOOKUP_CHUNK = 500


# --- reach --------------------------------------------------------------------------------------


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
    if user.role in RECRUITING:
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
    return user.role in RECRUITING and can_access_job(user, interview.application.job)


def visible_applications(user: User, candidate: Candidate) -> list[Application]:
    """The applications of `candidate` that `user` may see: a recruiter of one job never learns
    which other jobs the candidate applied to."""
    return [a for a in candidate.applications if can_view_application(user, a)]


def can_read_audit_log(user: User) -> bool:
    """The audit log (who saw or changed whose data, from which address) is for admins only."""
    return user.role is Role.ADMIN


def outbox_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause on `OutboxMessage`: admins read every message, recruiters those to the
    candidates they may see."""
    if user.role is Role.ADMIN:
        return OutboxMessage.id.is_not(None)
    return OutboxMessage.candidate_id.in_(visible_candidate_ids(user))


def visible_candidates_by_email(user: User | None, emails: list[str]) -> dict[str, Candidate]:
    """The candidates with these (normalised) emails whom `user` may see (None: the system itself,
    seeding or the CLI, sees all), by email. Used wherever
    a typed email could re-attach an existing person (CSV import, "add candidate", the API): a
    candidate the user may not see is never matched, so no answer reveals that the email exists
    elsewhere. Where several visible records share an email, the oldest wins."""
    found: dict[str, Candidate] = {}
    for start in range(0, len(emails), EMAIL_LOOKUP_CHUNK):
        query = select(Candidate).where(
            func.lower(Candidate.email).in_(emails[start : start + EMAIL_LOOKUP_CHUNK])
        )
        if user is not None and user.role is not Role.ADMIN:
            query = query.where(Candidate.id.in_(visible_candidate_ids(user)))
        for candidate in db.session.scalars(query.order_by(Candidate.id)):
            found.setdefault(candidate.email.lower(), candidate)
    return found


def match_candidate_by_email(user: User | None, email: str) -> Candidate | None:
    """The candidate with this email whom `user` may see, or None (see above)."""
    email = email.strip().lower()
    return visible_candidates_by_email(user, [email]).get(email)


def ats_jobs(connection: AtsConnection) -> list[Job]:
    """The jobs an active ATS connection may order tests in: the open ones it was given."""
    if not connection.is_active:
        return []
    return [job for job in connection.jobs if job.is_open]


def ats_candidate_by_email(connection: AtsConnection, email: str) -> Candidate | None:
    """The oldest candidate with this email who applied to one of the connection's jobs, or None:
    a person known only in other jobs is never matched (the ATS then creates a new record)."""
    job_ids = [job.id for job in ats_jobs(connection)]
    if not job_ids:
        return None
    applied = select(Application.candidate_id).where(Application.job_id.in_(job_ids))
    return db.session.scalar(
        select(Candidate)
        .where(func.lower(Candidate.email) == email.strip().lower(), Candidate.id.in_(applied))
        .order_by(Candidate.id)
        .limit(1)
    )


def ats_reaches_order(connection: AtsConnection, order: AtsOrder) -> bool:
    """An order is the active connection's own, and its job is still one of the connection's
    (a job closed since still answers for the tests already sent)."""
    job_id = order.assignment.application.job_id
    return (
        connection.is_active
        and order.connection_id == connection.id
        and any(job.id == job_id for job in connection.jobs)
    )


def require(allowed: bool) -> None:
    """Abort with 403 unless `allowed`: the one way views refuse an object."""
    if not allowed:
        abort(403)


def _get_or_refuse(model, object_id: int, user: User, may_reach, *options):
    found = db.session.get(model, object_id, options=options)
    if found is None:
        abort(404)
    require(may_reach(user, found))
    return found


def job_or_403(user: User, job_id: int) -> Job:
    # Every job page shows or checks the stages: they come in the job's own statement.
    return _get_or_refuse(Job, job_id, user, can_access_job, db.joinedload(Job.stages))


def candidate_or_403(user: User, candidate_id: int) -> Candidate:
    return _get_or_refuse(Candidate, candidate_id, user, can_view_candidate)


def application_or_403(user: User, application_id: int) -> Application:
    return _get_or_refuse(Application, application_id, user, can_view_application)


def interview_or_403(user: User, interview_id: int) -> Interview:
    return _get_or_refuse(Interview, interview_id, user, can_view_interview)


# --- writes on erased people ---------------------------------------------------------------------


def require_not_erased(candidate: Candidate) -> None:
    """Erasure is final: no invite, assignment, move, note or application for an erased person."""
    if candidate.erased_at is not None:
        raise DomainError(
            "This candidate's personal data was erased; nothing more can be recorded for them."
        )


# --- parts --------------------------------------------------------------------------------------


def shows_move_details(user: User) -> bool:
    """A move's free-text reason and who made it are internal: candidates see only the stages."""
    return user.role in STAFF


def move_reason(user: User, move: StageTransition) -> str | None:
    return move.reason if shows_move_details(user) else None


def move_actor_id(user: User, move: StageTransition) -> int | None:
    return move.actor_id if shows_move_details(user) else None


def is_blind(user: User, application: Application) -> bool:
    """Whether `user` reviews this application blind (interviewers on a blind-review job until they
    scored every interview of the candidate they sit on). Recruiters and admins never are."""
    if user.role is not Role.INTERVIEWER or not application.job.blind_review:
        return False
    from app.auth import independence  # builds on this module

    panel = independence.panel_interviews_for_candidate(user, application.candidate_id)
    return not panel or bool(independence.unscored_interviews(user, application.candidate_id))


def shows_notebook_metadata(user: User, application: Application) -> bool:
    return not is_blind(user, application)


def submission_filename(user: User, application: Application, filename: str) -> str:
    """Uploaded file names often carry the candidate's name: hidden while reviewing blind."""
    return BLIND_FILENAME if is_blind(user, application) else filename


def shows_hidden_groups(user: User) -> bool:
    """Hidden test groups (their scores, messages, and any total that includes them) are for the
    hiring team only."""
    return user.role in STAFF


def visible_group_scores(user: User, run: GradingRun) -> list[GroupScore]:
    return [g for g in run.group_scores if shows_hidden_groups(user) or g.visible]


def visible_total(user: User, run: GradingRun) -> tuple[float | None, float | None]:
    """(score, max_score) of a run as `user` may see it: for candidates the sum over the visible
    groups only (None when none is visible), never the total that includes hidden groups."""
    if shows_hidden_groups(user):
        return run.score, run.max_score
    if run.score is None:
        return None, None
    groups = [g for g in run.group_scores if g.visible]
    if not groups:
        return None, None
    return _total(g.score for g in groups), _total(g.max_score for g in groups)


def shows_red_flags(user: User) -> bool:
    return user.role in STAFF


def visible_red_flags(user: User, run: GradingRun) -> list[RedFlag]:
    """The run's red flags, for the hiring team only (reach to the run is checked by the caller)."""
    if not shows_red_flags(user):
        return []
    return list(
        db.session.scalars(select(RedFlag).where(RedFlag.run_id == run.id).order_by(RedFlag.id))
    )


def _total(values: Iterable[float | None]) -> float:
    return round(sum(v or 0.0 for v in values), 4)


def submission_parts(user: User, submission: Submission) -> dict[str, object]:
    """The fields of a submission that depend on the viewer (for templates and the API)."""
    application = submission.assignment.application
    return {
        "filename": submission_filename(user, application, submission.filename),
        "notebook_metadata": shows_notebook_metadata(user, application),
    }

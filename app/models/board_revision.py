"""A counter per job that moves with every change to what the job's board shows.

The board (app/pipeline/board_cache.py) caches each column's count, the cards' rows and the
rendered columns per web process, stamped with this counter: a request reads it in one indexed
query and reuses the columns only while it is unchanged.

It is raised inside the flush that writes the change (`after_flush` below), for every job whose
board the flushed objects feed: applications (opened, moved, erased), candidates (name, email or
source), stages and the job itself, interviews and their panels (the expected scorecards),
scorecards (submitted, amended: counts and red flags), assignments, submissions and grading runs
(the card's score). Statements that bypass the ORM (bulk UPDATE/DELETE) are not seen here: their
callers raise it (`touch_runs`: a grading result; erasure also renames the candidate).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ForeignKey, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from app.extensions import db
from app.models.candidate import Application, Candidate
from app.models.grading import Assignment, GradingRun, Submission
from app.models.interview import Interview, InterviewAssignment, Scorecard
from app.models.pipeline import Job, Stage

CANDIDATE_FIELDS = ("name", "email", "source")  # what a card shows of the candidate


class BoardRevision(db.Model):
    __tablename__ = "board_revisions"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    revision: Mapped[int] = mapped_column(default=0)


def touch_jobs(session: Session | scoped_session[Any], job_ids: Iterable[int]) -> None:
    """Raise the board revision of each job (in id order, so concurrent writers lock alike)."""
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for job_id in sorted(set(job_ids)):
        statement = dialect.insert(BoardRevision).values(job_id=job_id, revision=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["job_id"], set_={"revision": BoardRevision.revision + 1}
            )
        )


def touch_runs(session: Session | scoped_session[Any], run_ids: Iterable[int]) -> None:
    """Raise the board revision of the jobs of these grading runs (their verdict was stored
    with a bulk UPDATE, which the flush hook does not see)."""
    touch_jobs(
        session,
        session.connection().scalars(
            select(Application.job_id)
            .join(Assignment, Assignment.application_id == Application.id)
            .join(Submission, Submission.assignment_id == Assignment.id)
            .join(GradingRun, GradingRun.submission_id == Submission.id)
            .where(GradingRun.id.in_(list(run_ids)))
        ),
    )


def _jobs_fed_by(session: Session, objects: list[Any]) -> set[int]:
    jobs: set[int] = set()
    applications: set[int] = set()
    candidates: set[int] = set()
    assignments: set[int] = set()
    submissions: set[int] = set()
    interviews: set[int] = set()
    for obj in objects:
        if isinstance(obj, Job):
            if not inspect(obj).deleted:  # a deleted job's row goes with it (ON DELETE CASCADE)
                jobs.add(obj.id)
        elif isinstance(obj, Stage | Application):
            jobs.add(obj.job_id)
        elif isinstance(obj, Candidate):
            state = inspect(obj)
            if state.deleted or any(
                state.attrs[name].history.has_changes() for name in CANDIDATE_FIELDS
            ):
                candidates.add(obj.id)
        elif isinstance(obj, Interview | Scorecard | Assignment):
            applications.add(obj.application_id)
        elif isinstance(obj, InterviewAssignment):
            interviews.add(obj.interview_id)
        elif isinstance(obj, Submission):
            assignments.add(obj.assignment_id)
        elif isinstance(obj, GradingRun):
            submissions.add(obj.submission_id)
    connection = session.connection()

    def through(column: Any, key: Any, ids: set[int]) -> set[int]:
        """`column` of the rows whose `key` is one of `ids`."""
        return set(connection.scalars(select(column).where(key.in_(ids)))) if ids else set()

    assignments |= through(Submission.assignment_id, Submission.id, submissions)
    applications |= through(Interview.application_id, Interview.id, interviews)
    applications |= through(Assignment.application_id, Assignment.id, assignments)
    jobs |= through(Application.job_id, Application.id, applications)
    jobs |= through(Application.job_id, Application.candidate_id, candidates)
    return {job_id for job_id in jobs if job_id is not None}


@event.listens_for(Session, "after_flush")
def _touch_boards(session: Session, _context: Any) -> None:
    # In after_flush the new rows have their ids and foreign keys, and new/dirty/deleted still
    # list what this flush wrote.
    objects = [*session.new, *session.dirty, *session.deleted]
    if not any(isinstance(obj, FEEDS) for obj in objects):
        return
    touch_jobs(session, _jobs_fed_by(session, [o for o in objects if isinstance(o, FEEDS)]))


FEEDS = (
    Job, Stage, Application, Candidate, Interview, InterviewAssignment, Scorecard, Assignment,
    Submission, GradingRun,
)  # fmt: skip

"""Which grading runs the exercise reports count, and who may read which reports.

One observation per assignment: its newest graded run of the exercise version, so a candidate
who uploaded three times counts once. Restricted to the jobs the viewer recruits for (through the
existing access helper, `job_filter`), and optionally to one job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.sql.selectable import Subquery

from app.auth.policy import job_filter
from app.extensions import db
from app.models import (
    Application,
    Assignment,
    DemographicReportGrant,
    GradingRun,
    Job,
    Role,
    RunStatus,
    Submission,
    User,
)

MIN_RUNS = 10  # below this many graded candidates, item statistics say "not enough data"


@dataclass(frozen=True)
class Scope:
    """An exercise version, seen by one viewer, optionally within one job."""

    exercise: str
    version: int
    viewer: User
    job_id: int | None = None


def _graded(viewer: User, *columns: Any) -> Select:
    """`columns` over the graded runs of assignments in the jobs `viewer` recruits for."""
    return (
        select(*columns)
        .select_from(GradingRun)
        .join(Submission, Submission.id == GradingRun.submission_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Job, Job.id == Application.job_id)
        .where(GradingRun.status == RunStatus.GRADED, job_filter(viewer))
    )


def observed_runs(scope: Scope) -> Subquery:
    """(run_id, application_id, assignment_id, stage_id) per counted assignment."""
    newest = (
        _graded(
            scope.viewer,
            func.max(GradingRun.id).label("run_id"),
            Assignment.id.label("assignment_id"),
            Assignment.application_id.label("application_id"),
            Assignment.stage_id.label("stage_id"),
        )
        .where(
            Assignment.exercise_slug == scope.exercise,
            GradingRun.exercise_version == scope.version,
        )
        .group_by(Assignment.id, Assignment.application_id, Assignment.stage_id)
    )
    if scope.job_id is not None:
        newest = newest.where(Application.job_id == scope.job_id)
    return newest.subquery("observed_runs")


def exercise_versions(viewer: User, job_id: int | None = None) -> list[tuple[str, int, int]]:
    """(exercise slug, version, graded assignments) the viewer can report on, newest first."""
    query = (
        _graded(
            viewer,
            Assignment.exercise_slug,
            GradingRun.exercise_version,
            func.count(func.distinct(Assignment.id)),
        )
        .where(GradingRun.exercise_version.is_not(None))
        .group_by(Assignment.exercise_slug, GradingRun.exercise_version)
        .order_by(Assignment.exercise_slug, GradingRun.exercise_version.desc())
    )
    if job_id is not None:
        query = query.where(Application.job_id == job_id)
    return [(slug, version, count) for slug, version, count in db.session.execute(query)]


# The "recruiters an admin allows" permission, declared here once: admins always read the
# adverse-impact reports; a recruiter only with a DemographicReportGrant row (given on the Users
# page); interviewers and candidates never.
def may_read_demographic_reports(user: User) -> bool:
    if user.role is Role.ADMIN:
        return True
    if user.role is not Role.RECRUITER:
        return False
    return bool(
        db.session.scalar(select(exists().where(DemographicReportGrant.user_id == user.id)))
    )

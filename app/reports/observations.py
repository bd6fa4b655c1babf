"""What the exercise reports count, read from the derived tables, and who may read which reports.

One observation per assignment and exercise version: its newest graded run, so a candidate who
uploaded three times counts once (`assessment_observations`, kept current by upkeep.py).
Restricted to the jobs the viewer recruits for (through the access helper `job_filter`), and
optionally to one job. `load` reads a scope's rows with one indexed query and hands the
statistics numpy arrays: O(rows), no per-request aggregation over the raw grading tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import exists, func, select

from app.auth.policy import job_filter
from app.extensions import db
from app.models import (
    AssessmentApplication,
    AssessmentObservation,
    DemographicReportGrant,
    Job,
    Role,
    Stage,
    StageKind,
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


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    dimension: str
    max_score: float


@dataclass(frozen=True)
class Observations:
    """A scope's counted runs, one per row of every array (in the order they were graded)."""

    groups: list[Group]  # every test group any counted run has, in order of first appearance
    points: np.ndarray  # (runs x groups) points, 0 where a run lacks the group
    present: np.ndarray  # (runs x groups) bool: the run has the group
    score: list[float | None]
    max_score: list[float | None]
    application_id: np.ndarray
    stage_id: list[int | None]  # the stage the exercise was assigned in
    furthest_stage_id: list[int | None]
    current_stage_id: list[int | None]
    ratings: list[dict[str, list[int]]]  # per run: {dimension: the interviewers' levels}
    candidate_id: list[int | None]

    def __len__(self) -> int:
        return len(self.score)

    def shares(self) -> list[float | None]:
        """Total share per run rounded to 3 places (None: no score; 0 when the maximum is 0)."""
        return [
            None if s is None else (round(s / m, 3) if m else 0.0)
            for s, m in zip(self.score, self.max_score, strict=True)
        ]


def parse_json_column(texts: list[str]) -> list[Any]:
    """Many small JSON texts in one parser call (the column's rows, joined into one list)."""
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def _scoped(viewer: User, query, job_id: int | None):  # type: ignore[no-untyped-def]
    query = query.where(AssessmentObservation.job_id.in_(select(Job.id).where(job_filter(viewer))))
    if job_id is not None:
        query = query.where(AssessmentObservation.job_id == job_id)
    return query


def load(scope: Scope) -> Observations:
    obs, app_row = AssessmentObservation, AssessmentApplication
    query = (
        select(
            obs.application_id,
            obs.stage_id,
            obs.score,
            obs.max_score,
            obs.groups,
            obs.points,
            obs.ratings,
            app_row.furthest_stage_id,
            app_row.current_stage_id,
            app_row.candidate_id,
        )
        .join(app_row, app_row.application_id == obs.application_id, isouter=True)
        .where(obs.exercise_slug == scope.exercise, obs.exercise_version == scope.version)
        .order_by(obs.run_id)
    )
    rows = db.session.execute(_scoped(scope.viewer, query, scope.job_id)).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 10
    layouts = {text: json.loads(text) for text in set(columns[4])}
    groups: dict[str, Group] = {}
    for text in columns[4]:
        for gid, title, dimension, top in layouts[text]:
            known = groups.get(gid)
            if known is None or float(top or 0) > known.max_score:
                groups[gid] = Group(gid, title, dimension, float(top or 0))
    order = {gid: index for index, gid in enumerate(groups)}
    points = np.zeros((len(rows), len(groups)))
    present = np.zeros((len(rows), len(groups)), dtype=bool)
    values = parse_json_column(list(columns[5]))
    by_layout: dict[str, list[int]] = {}
    for index, text in enumerate(columns[4]):
        by_layout.setdefault(text, []).append(index)
    for text, indices in by_layout.items():
        target = [order[g[0]] for g in layouts[text]]
        if target:
            matrix = np.array([values[i] for i in indices], dtype=float).reshape(len(indices), -1)
            points[np.ix_(indices, target)] = matrix
            present[np.ix_(indices, target)] = True
    return Observations(
        list(groups.values()),
        points,
        present,
        list(columns[2]),
        list(columns[3]),
        np.array(columns[0], dtype=np.int64),
        list(columns[1]),
        list(columns[7]),
        list(columns[8]),
        parse_json_column(list(columns[6])),
        list(columns[9]),
    )


def stages_of(job_ids) -> dict[int, tuple[int, int, StageKind]]:  # type: ignore[no-untyped-def]
    """{stage id: (job id, position, kind)} of the given jobs (a select or a list of ids)."""
    rows = db.session.execute(
        select(Stage.id, Stage.job_id, Stage.position, Stage.kind).where(Stage.job_id.in_(job_ids))
    )
    return {sid: (job_id, position, kind) for sid, job_id, position, kind in rows}


def scope_jobs(scope: Scope):  # type: ignore[no-untyped-def]
    """The ids of the jobs a scope covers, as a select."""
    query = select(Job.id).where(job_filter(scope.viewer))
    return query.where(Job.id == scope.job_id) if scope.job_id is not None else query


def exercise_versions(viewer: User, job_id: int | None = None) -> list[tuple[str, int, int]]:
    """(exercise slug, version, graded assignments) the viewer can report on, newest first."""
    obs = AssessmentObservation
    query = (
        select(obs.exercise_slug, obs.exercise_version, func.count())
        .group_by(obs.exercise_slug, obs.exercise_version)
        .order_by(obs.exercise_slug, obs.exercise_version.desc())
    )
    return [(s, v, n) for s, v, n in db.session.execute(_scoped(viewer, query, job_id))]


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

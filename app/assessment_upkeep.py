"""Keep the assessment reports' derived tables current (see app/models/assessment.py).

Called by the code paths that change what the reports count, in their own transaction (flush,
never commit): `record_result` (a graded run), `pipeline.apply`/`move` (stage moves), scorecard
submission, self-identification answers (only the revision moves: answers are never copied) and
erasure. Each call recomputes the affected rows from the source tables with a few indexed
queries and raises the job's revision, so a report can never read stale rows: the change and its
derived rows commit together. `rebuild` recomputes every row (the migration's backfill, bulk
loads, and the reference the tests compare against); it takes a Connection or the session,
because the migration runs it on Alembic's connection.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import (
    Application,
    ApplicationStageStats,
    AssessmentApplication,
    AssessmentObservation,
    AssessmentRevision,
    Assignment,
    DimensionScore,
    GradingRun,
    GroupScore,
    RunStatus,
    Scorecard,
    ScorecardStatus,
    Submission,
)

Executor = Any  # a Session or a Connection: both `.execute(statement[, rows])`


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _ratings(ex: Executor, applications) -> dict[int, dict[str, list[int]]]:  # type: ignore[no-untyped-def]
    """{application id: {dimension: levels of its current submitted scorecards}}."""
    rows = ex.execute(
        select(Scorecard.application_id, DimensionScore.dimension, DimensionScore.value)
        .join(DimensionScore, DimensionScore.scorecard_id == Scorecard.id)
        .where(
            Scorecard.application_id.in_(applications),
            Scorecard.status == ScorecardStatus.SUBMITTED,
            Scorecard.superseded_at.is_(None),
            DimensionScore.value.is_not(None),
        )
        .order_by(Scorecard.id, DimensionScore.id)
    )
    out: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for application_id, dimension, value in rows:
        out[application_id][dimension].append(int(value))
    return out


def _observation_rows(ex: Executor, assignments) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The rows of the given assignments (a select of ids): newest graded run per version."""
    newest = (
        select(func.max(GradingRun.id))
        .join(Submission, Submission.id == GradingRun.submission_id)
        .where(
            Submission.assignment_id.in_(assignments),
            GradingRun.status == RunStatus.GRADED,
            GradingRun.exercise_version.is_not(None),
        )
        .group_by(Submission.assignment_id, GradingRun.exercise_version)
    )
    runs = ex.execute(
        select(
            GradingRun.id.label("run_id"),
            Assignment.id.label("assignment_id"),
            GradingRun.exercise_version,
            Assignment.exercise_slug,
            Application.job_id,
            Assignment.application_id,
            Assignment.stage_id,
            GradingRun.score,
            GradingRun.max_score,
        )
        .join(Submission, Submission.id == GradingRun.submission_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(GradingRun.id.in_(newest))
    ).all()
    if not runs:
        return []
    groups: dict[int, list[tuple]] = defaultdict(list)
    for run_id, *group in ex.execute(
        select(
            GroupScore.run_id,
            GroupScore.group_id,
            GroupScore.title,
            GroupScore.dimension,
            GroupScore.max_score,
            GroupScore.score,
        )
        .where(GroupScore.run_id.in_(newest))
        .order_by(GroupScore.id)
    ):
        groups[run_id].append(tuple(group))
    ratings = _ratings(ex, select(Assignment.application_id).where(Assignment.id.in_(assignments)))
    rows = []
    for run in runs:
        row = run._asdict()
        scored = groups[row["run_id"]]
        row["groups"] = _dumps([list(g[:4]) for g in scored])
        row["points"] = _dumps([g[4] for g in scored])
        row["ratings"] = _dumps(ratings.get(row["application_id"], {}))
        rows.append(row)
    return rows


def _application_rows(ex: Executor, applications) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The rows of the given applications (a select of ids)."""
    furthest = ApplicationStageStats
    rows = ex.execute(
        select(
            Application.id,
            Application.job_id,
            Application.candidate_id,
            furthest.stage_id,
            Application.stage_id,
        )
        .join(
            furthest,
            (furthest.application_id == Application.id) & (furthest.is_furthest == true()),
            isouter=True,
        )
        .where(Application.id.in_(applications))
    ).all()
    return [
        {
            "application_id": application_id,
            "job_id": job_id,
            "candidate_id": candidate_id,
            "furthest_stage_id": furthest_id,
            "current_stage_id": current_id,
        }
        for application_id, job_id, candidate_id, furthest_id, current_id in rows
    ]


def _bump(ex: Executor, job_ids: Iterable[int]) -> None:
    """Raise the revision of each job (in id order, so concurrent writers lock alike)."""
    bind = ex.get_bind() if hasattr(ex, "get_bind") else ex
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    for job_id in sorted(set(job_ids)):
        statement = dialect.insert(AssessmentRevision).values(job_id=job_id, revision=1)
        ex.execute(
            statement.on_conflict_do_update(
                index_elements=["job_id"],
                set_={"revision": AssessmentRevision.revision + 1},
            )
        )


def _replace(ex: Executor, table, key, ids: set[int], rows: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    ex.execute(delete(table).where(key.in_(ids)).execution_options(synchronize_session=False))
    if rows:
        ex.execute(insert(table), rows)


def _jobs_of(ex: Executor, table, key, ids: set[int]) -> set[int]:  # type: ignore[no-untyped-def]
    return set(ex.execute(select(table.job_id).where(key.in_(ids)).distinct()).scalars())


def _refresh(table, key, source_id, ids: set[int], build) -> None:  # type: ignore[no-untyped-def]
    """Replace the rows of `table` whose `key` is in `ids` by `build`'s rows for those ids (of
    the source table's `source_id`), and raise the revision of every job concerned."""
    if not ids:
        return
    session = db.session
    session.flush()
    before = _jobs_of(session, table, key, ids)
    rows = build(session, select(source_id).where(source_id.in_(ids)))
    _replace(session, table, key, ids, rows)
    _bump(session, before | {row["job_id"] for row in rows})


def refresh_assignments(assignment_ids: Iterable[int]) -> None:
    """A run of these assignments was graded, or their runs were erased."""
    table = AssessmentObservation
    _refresh(table, table.assignment_id, Assignment.id, set(assignment_ids), _observation_rows)


def refresh_ratings(application_id: int) -> None:
    """A scorecard of the application was submitted (or an amendment superseded one)."""
    session = db.session
    session.flush()
    text = _dumps(_ratings(session, [application_id]).get(application_id, {}))
    session.execute(
        update(AssessmentObservation)
        .where(AssessmentObservation.application_id == application_id)
        .values(ratings=text)
        .execution_options(synchronize_session=False)
    )
    _bump(session, _jobs_of(session, AssessmentObservation, AssessmentObservation.application_id,
                            {application_id}))  # fmt: skip


def refresh_applications(application_ids: Iterable[int]) -> None:
    """These applications were opened or moved."""
    table = AssessmentApplication
    _refresh(table, table.application_id, Application.id, set(application_ids), _application_rows)


def _applications_of(candidate_id: int):  # type: ignore[no-untyped-def]
    return select(Application.id).where(Application.candidate_id == candidate_id)


def refresh_answers(candidate_id: int) -> None:
    """The candidate's self-identification answers changed (or were withdrawn): the reports join
    them from their own table, so only the revision of the candidate's jobs moves."""
    db.session.flush()
    _bump(
        db.session,
        db.session.scalars(
            select(Application.job_id).where(Application.candidate_id == candidate_id).distinct()
        ),
    )


def refresh_candidate(candidate_id: int) -> None:
    """The candidate was erased: runs and answers gone, so are their rows here."""
    applications = _applications_of(candidate_id)
    refresh_applications(db.session.scalars(applications))
    refresh_assignments(
        db.session.scalars(select(Assignment.id).where(Assignment.application_id.in_(applications)))
    )


def touch_jobs(job_ids: Iterable[int]) -> None:
    """Rows the reports read were rewritten outside the paths above (a rebuild of the funnel's
    stage statistics): raise the jobs' revisions so no cached report outlives them."""
    _bump(db.session, job_ids)


def rebuild(ex: Executor | None = None) -> None:
    """Recompute every row from the source tables."""
    ex = ex if ex is not None else db.session
    for table in (AssessmentObservation, AssessmentApplication):
        ex.execute(delete(table).execution_options(synchronize_session=False))
    observations = _observation_rows(ex, select(Assignment.id))
    applications = _application_rows(ex, select(Application.id))
    for table, rows in ((AssessmentObservation, observations),
                        (AssessmentApplication, applications)):  # fmt: skip
        for start in range(0, len(rows), 5_000):
            ex.execute(insert(table), rows[start : start + 5_000])
    _bump(ex, {row["job_id"] for row in applications} | {row["job_id"] for row in observations})

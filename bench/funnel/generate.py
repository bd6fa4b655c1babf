"""Generate a large pipeline: ~100,000 applications and ~1,000,000 stage transitions.

Bulk inserts through SQLAlchemy Core (executemany in batches, ids assigned here), so the same
code fills SQLite and PostgreSQL. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from app.extensions import db
from app.models import (
    Application,
    Candidate,
    Job,
    Role,
    Stage,
    StageKind,
    StageTransition,
    User,
)
from app.pipeline import stage_stats
from app.pipeline.operations import (
    DEFAULT_PIPELINE,
    REASON_SEPARATOR,
    REJECTION_REASONS,
    SOURCES,
    WITHDRAWAL_REASONS,
)

BATCH = 20_000
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
HISTORY_DAYS = 730
# Share of the applications each job receives: a few very popular requisitions, a long tail.
JOB_WEIGHTS = [20, 12, 8, 6, 5, 4, 4, 3, 3, 3, *([2] * 10), *([1] * 10)]
REAPPLY_SHARE = 0.1  # share of applications from a candidate who also applied elsewhere


@dataclass(frozen=True)
class Generated:
    jobs: list[int]  # ids, largest first
    applications: int
    transitions: int
    candidates: int


def _walk(rng: random.Random, applied: datetime) -> list[tuple[int, datetime, str]]:
    """One application's moves as (stage position, at, reason); position 0 is Applied."""
    normal_last = 5  # Offer
    hired, rejected, withdrawn = 6, 7, 8
    moves = [(0, applied, "")]
    position, at = 0, applied
    length = rng.randint(1, 19)  # mean ~10 transitions per application
    for step in range(1, length):
        at = min(at + timedelta(hours=rng.expovariate(1 / 40)), NOW)
        roll = rng.random()
        if step == length - 1 and roll < 0.75:
            # Close most applications with their last move.
            if position == normal_last and rng.random() < 0.6:
                moves.append((hired, at, ""))
            elif rng.random() < 0.85:
                reason = rng.choice(REJECTION_REASONS)
                if rng.random() < 0.5:
                    reason += REASON_SEPARATOR + "notes from the debrief"
                moves.append((rejected, at, reason))
            else:
                moves.append((withdrawn, at, rng.choice(WITHDRAWAL_REASONS)))
            return moves
        if roll < 0.62 and position < normal_last:
            target = position + (2 if rng.random() < 0.1 and position + 2 <= normal_last else 1)
        elif position > 0:
            target = position - 1
        else:
            target = 1
        position = target
        moves.append((position, at, ""))
    return moves


def generate(applications: int = 100_000, seed: int = 7) -> Generated:
    """Fill an empty schema; returns the job ids (largest first) and row counts."""
    rng = random.Random(seed)
    recruiter = User(email="bench@hirelab.example", name="Bench Recruiter", role=Role.RECRUITER)
    db.session.add(recruiter)
    jobs = []
    for number in range(len(JOB_WEIGHTS)):
        job = Job(title=f"Bench job {number + 1}", department="Bench", owner=recruiter)
        job.stages = [
            Stage(name=name, position=position, kind=kind)
            for position, (name, kind) in enumerate(DEFAULT_PIPELINE)
        ]
        jobs.append(job)
    db.session.add_all(jobs)
    db.session.commit()
    stage_ids = {job.id: [stage.id for stage in job.stages] for job in jobs}
    assert all(job.stages[6].kind is StageKind.HIRED for job in jobs)

    total_weight = sum(JOB_WEIGHTS)
    per_job = [applications * weight // total_weight for weight in JOB_WEIGHTS]
    per_job[0] += applications - sum(per_job)
    reapplying = int(applications * REAPPLY_SHARE)
    candidate_count = applications - reapplying

    db.session.execute(
        insert(Candidate),
        [
            {
                "id": number,
                "name": f"Candidate {number}",
                "email": f"candidate{number}@bench.example",
                "source": SOURCES[min(int(rng.expovariate(0.6)), len(SOURCES) - 1)],
                "created_at": NOW,
            }
            for number in range(1, candidate_count + 1)
        ],
    )

    def applications_rows() -> Iterator[tuple[dict, list[dict]]]:
        transition_id = 0
        # Candidates 1..n apply once; the re-applications reuse candidates, to other jobs.
        assignments = [
            job.id for job, count in zip(jobs, per_job, strict=True) for _ in range(count)
        ]
        rng.shuffle(assignments)
        seen: dict[int, set[int]] = {}
        next_candidate = 1
        for application_id, job_id in enumerate(assignments, start=1):
            if next_candidate <= candidate_count:
                candidate_id = next_candidate
                next_candidate += 1
            else:
                while True:
                    candidate_id = rng.randint(1, candidate_count)
                    if job_id not in seen.get(candidate_id, set()):
                        break
            seen.setdefault(candidate_id, set()).add(job_id)
            applied = NOW - timedelta(days=rng.uniform(0, HISTORY_DAYS))
            moves = _walk(rng, applied)
            stages = stage_ids[job_id]
            transitions = []
            previous = None
            for position, at, reason in moves:
                transition_id += 1
                transitions.append(
                    {
                        "id": transition_id,
                        "application_id": application_id,
                        "from_stage_id": previous,
                        "to_stage_id": stages[position],
                        "actor_id": recruiter.id,
                        "at": at,
                        "reason": reason,
                    }
                )
                previous = stages[position]
            yield (
                {
                    "id": application_id,
                    "candidate_id": candidate_id,
                    "job_id": job_id,
                    "stage_id": previous,
                    "applied_at": applied,
                    "stage_entered_at": moves[-1][1],
                },
                transitions,
            )

    application_count = transition_count = 0
    pending_apps: list[dict] = []
    pending_transitions: list[dict] = []
    for application, transitions in applications_rows():
        pending_apps.append(application)
        pending_transitions.extend(transitions)
        if len(pending_transitions) >= BATCH:
            db.session.execute(insert(Application), pending_apps)
            db.session.execute(insert(StageTransition), pending_transitions)
            application_count += len(pending_apps)
            transition_count += len(pending_transitions)
            pending_apps, pending_transitions = [], []
    if pending_apps:
        db.session.execute(insert(Application), pending_apps)
        db.session.execute(insert(StageTransition), pending_transitions)
        application_count += len(pending_apps)
        transition_count += len(pending_transitions)
    db.session.commit()
    # The funnel's per-stage table, derived from the transitions just loaded (one SQL statement).
    stage_stats.rebuild()
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly: move the sequences past them.
        for table in ("candidates", "applications", "stage_transitions"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    # Fresh statistics (and, on PostgreSQL, a visibility map for index-only scans).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        )
    order = sorted(range(len(jobs)), key=lambda index: -per_job[index])
    return Generated(
        jobs=[jobs[index].id for index in order],
        applications=application_count,
        transitions=transition_count,
        candidates=candidate_count,
    )

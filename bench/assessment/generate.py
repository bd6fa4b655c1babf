"""Add assessment data to bench/funnel/generate.py's pipeline (~100,000 applications).

Every application that reached the Take-home stage gets an ml-take-home assignment, a submission
and a graded run with its 8 group scores (skill-driven, so the statistics are not noise); those
that reached Technical interviews get two submitted scorecards (the debugging kit's four
dimensions); ~85% of candidates answer the three self-identification questions. Bulk inserts
through SQLAlchemy Core, deterministic for a seed, like the funnel generator.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from sqlalchemy import insert, select, text, true

from app.extensions import db
from app.models import (
    Application,
    ApplicationStageStats,
    Assignment,
    Candidate,
    DimensionScore,
    GradingRun,
    GroupScore,
    Interview,
    RunStatus,
    Scorecard,
    ScorecardStatus,
    SelfIdentification,
    Stage,
    Submission,
    User,
)
from app.models.user import Role
from bench.funnel.generate import NOW

BATCH = 20_000
GROUPS = (  # (id, title, dimension, points, tests)
    ("end_to_end", "Runs end to end", "python_engineering", 10.0, 1),
    ("beats_baseline", "Beats the baseline on the holdout", "ml_fundamentals", 15.0, 2),
    ("no_leakage", "No target leakage", "ml_fundamentals", 20.0, 3),
    ("imbalance_metrics", "Metrics suited to an imbalanced problem", "ml_fundamentals", 15.0, 3),
    ("robust_preprocessing", "Robust data handling", "data_sql", 10.0, 4),
    ("reproducible", "Reproducible training", "production_mindset", 10.0, 2),
    ("candidate_tests", "Tests of your own, with teeth", "python_engineering", 10.0, 3),
    ("summary", "Summary of results and next steps", "collaboration", 10.0, 2),
)
KIT_DIMENSIONS = ("python_engineering", "data_sql", "learning_agility", "collaboration")
ANSWERS = {
    "gender": (("woman", 0.4), ("man", 0.52), ("non_binary", 0.03), ("prefer_not_to_say", 0.05)),
    "ethnicity": (
        ("asian", 0.3),
        ("black", 0.14),
        ("hispanic_latino", 0.16),
        ("white", 0.33),
        ("two_or_more", 0.04),
        ("prefer_not_to_say", 0.03),
    ),
    "age_40_or_over": (("under_40", 0.8), ("forty_or_over", 0.16), ("prefer_not_to_say", 0.04)),
}
LEVEL_KEYS = {1: "below", 2: "meets", 3: "strong"}


def _flush(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)
        rows.clear()


def _batched(rows: Iterator[dict], table) -> int:
    pending, count = [], 0
    for row in rows:
        pending.append(row)
        count += 1
        if len(pending) >= BATCH:
            _flush(table, pending)
    _flush(table, pending)
    return count


def generate_assessment(seed: int = 16) -> dict[str, int]:
    rng = random.Random(seed)
    recruiter_id = db.session.scalar(select(User.id).where(User.role == Role.RECRUITER))
    panel = []
    for number in (1, 2):
        user = User(
            email=f"bench-interviewer{number}@hirelab.example",
            name=f"Bench Interviewer {number}",
            role=Role.INTERVIEWER,
        )
        db.session.add(user)
        panel.append(user)
    db.session.commit()
    stages = db.session.execute(select(Stage.id, Stage.job_id, Stage.position)).all()
    take_home = {job_id: sid for sid, job_id, position in stages if position == 2}
    technical = {job_id: sid for sid, job_id, position in stages if position == 3}
    position_of = {sid: position for sid, _, position in stages}
    reached = db.session.execute(
        select(
            Application.id,
            Application.job_id,
            Application.applied_at,
            ApplicationStageStats.stage_id,
        )
        .join(
            ApplicationStageStats,
            (ApplicationStageStats.application_id == Application.id)
            & (ApplicationStageStats.is_furthest == true()),
        )
        .order_by(Application.id)
    ).all()
    graded = [(a, job, at, position_of[s]) for a, job, at, s in reached if position_of[s] >= 2]
    counts = {"runs": len(graded)}
    submission_rows, run_rows, assignment_rows = [], [], []
    skills = {}
    for number, (application_id, job_id, applied_at, furthest) in enumerate(graded, start=1):
        # Skill relates to how far the application went, so the predictive check has signal.
        skills[application_id] = (furthest - 3.5) * 0.5 + rng.gauss(0, 1)
        assignment_rows.append(
            {
                "id": number,
                "application_id": application_id,
                "exercise_slug": "ml-take-home",
                "stage_id": take_home[job_id],
                "time_budget_minutes": 120,
                "assigned_by_id": recruiter_id,
                "assigned_at": applied_at,
                "open_by": applied_at,
                "opened_at": applied_at,
                "deadline_at": applied_at,
            }
        )
        submission_rows.append(
            {
                "id": number,
                "assignment_id": number,
                "filename": "churn.ipynb",
                "notebook": b"{}",
                "sha256": "0" * 64,
                "size_bytes": 2,
                "submitted_at": applied_at,
            }
        )
    _batched(iter(assignment_rows), Assignment)
    _batched(iter(submission_rows), Submission)
    group_rows: list[dict] = []
    group_id = 0
    for number, (application_id, _, applied_at, _) in enumerate(graded, start=1):
        skill = skills[application_id]
        total = 0.0
        for gid, title, dimension, points, tests in GROUPS:
            ease = 9.0 if gid == "end_to_end" else 0.3
            weight = 0.0 if gid == "summary" else 1.2
            chance = 1 / (1 + math.exp(-(weight * skill + ease)))
            passed = sum(rng.random() < chance for _ in range(tests))
            score = round(points * passed / tests, 2)
            total += score
            group_id += 1
            group_rows.append(
                {
                    "id": group_id,
                    "run_id": number,
                    "group_id": gid,
                    "title": title,
                    "dimension": dimension,
                    "score": score,
                    "max_score": points,
                    "visible": False,
                    "message": "",
                }
            )
        run_rows.append(
            {
                "id": number,
                "submission_id": number,
                "status": RunStatus.GRADED,
                "attempts": 1,
                "queued_at": applied_at,
                "finished_at": applied_at,
                "exercise_version": 1,
                "verdict": "completed",
                "message": "",
                "score": round(total, 2),
                "max_score": 100.0,
                "logs": "",
            }
        )
    _batched(iter(run_rows), GradingRun)
    counts["group_scores"] = _batched(iter(group_rows), GroupScore)

    interviews, cards, scores = [], [], []
    card_id = score_id = 0
    for interview_id, (application_id, job_id, applied_at, _) in enumerate(
        [g for g in graded if g[3] >= 3], start=1
    ):
        interviews.append(
            {
                "id": interview_id,
                "application_id": application_id,
                "stage_id": technical[job_id],
                "kit_id": "debugging",
                "kit_title": "Debugging",
                "scheduled_at": applied_at,
                "duration_minutes": 45,
                "created_at": applied_at,
            }
        )
        for interviewer in panel:
            card_id += 1
            cards.append(
                {
                    "id": card_id,
                    "interview_id": interview_id,
                    "interviewer_id": interviewer.id,
                    "application_id": application_id,
                    "version": 1,
                    "status": ScorecardStatus.SUBMITTED,
                    "rubric_id": "junior-ai-engineer",
                    "rubric_version": 1,
                    "rubric_snapshot": {},
                    "kit_snapshot": {},
                    "signals": [],
                    "red_flags": [],
                    "recommendation": "yes",
                    "notes": "",
                    "amendment_reason": "",
                    "created_at": applied_at,
                    "updated_at": applied_at,
                    "submitted_at": applied_at,
                }
            )
            for dimension in KIT_DIMENSIONS:
                score_id += 1
                value = min(3, max(1, round(2 + 0.6 * skills[application_id] + rng.gauss(0, 0.7))))
                scores.append(
                    {
                        "id": score_id,
                        "scorecard_id": card_id,
                        "dimension": dimension,
                        "level": LEVEL_KEYS[value],
                        "value": value,
                        "notes": "",
                    }
                )
    counts["interviews"] = _batched(iter(interviews), Interview)
    counts["scorecards"] = _batched(iter(cards), Scorecard)
    counts["dimension_scores"] = _batched(iter(scores), DimensionScore)

    def answers() -> Iterator[dict]:
        candidate_ids = db.session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
        for candidate_id in candidate_ids:
            if rng.random() > 0.85:
                continue
            for question, options in ANSWERS.items():
                keys, weights = zip(*options, strict=True)
                yield {
                    "candidate_id": candidate_id,
                    "question": question,
                    "answer": rng.choices(keys, weights=weights)[0],
                    "answered_at": NOW,
                }

    counts["self_identifications"] = _batched(answers(), SelfIdentification)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in (
            "assignments",
            "submissions",
            "grading_runs",
            "group_scores",
            "interviews",
            "scorecards",
            "dimension_scores",
            "users",
        ):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        )
    return counts

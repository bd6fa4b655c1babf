"""Demo data for the assessment reports: a second job whose cohort took the ml-take-home exercise.

Called by `app.demo.seed()` after the first job and its interviews. Everything goes through the
real operations (apply, move, assign, submit, claim and record a run, schedule interviews, submit
scorecards, self-identification answers), deterministic for the seed. A latent "skill" per
candidate drives test-group scores, interviewer levels and who moves on, so discrimination,
reliability, agreement and the predictive check show real numbers; "Runs end to end" always
passes (the non-informative flag) and "Summary" ignores skill (a weak item). Self-identification
answers are drawn independently of skill (some candidates skip the form, a small group shows
suppression).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.grading import operations as grading
from app.grading.exercises import Exercise, installed_exercise
from app.models import Application, Job, User, now_utc
from app.pipeline import operations as pipeline
from app.pipeline.reasons import REASON_SEPARATOR
from app.reports import operations as report_operations
from app.reports import self_id
from app.scorecards import operations as scorecards
from app.scorecards.catalog import catalog

EXERCISE = "ml-take-home"
COHORT = 90
SEED = 16
FIRST = (
    "Alex",
    "Sam",
    "Jordan",
    "Maya",
    "Ravi",
    "Lea",
    "Omar",
    "Ines",
    "Kofi",
    "Hana",
    "Luca",
    "Zoe",
    "Arjun",
    "Nina",
    "Tariq",
    "Elif",
    "Mateo",
    "Aiko",
)
LAST = (
    "Fischer",
    "Okoye",
    "Novak",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Sato",
    "Mensah",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Patel",
    "Nakamura",
    "Costa",
    "Brennan",
)
# Tests per group (points are earned per passed test) and how hard each group is.
TESTS = {
    "end_to_end": 1,
    "beats_baseline": 2,
    "no_leakage": 3,
    "imbalance_metrics": 3,
    "robust_preprocessing": 4,
    "reproducible": 2,
    "candidate_tests": 3,
    "summary": 2,
}
EASE = {
    "end_to_end": 9.0,
    "beats_baseline": 0.6,
    "no_leakage": -0.2,
    "imbalance_metrics": 0.3,
    "robust_preprocessing": 0.4,
    "reproducible": 1.0,
    "candidate_tests": -0.4,
    "summary": 0.5,
}
SKILL_WEIGHT = {"summary": 0.0}
ANSWERS = {
    "gender": (("woman", 0.42), ("man", 0.5), ("non_binary", 0.04), ("prefer_not_to_say", 0.04)),
    "ethnicity": (
        ("asian", 0.3),
        ("black", 0.15),
        ("hispanic_latino", 0.15),
        ("white", 0.32),
        ("two_or_more", 0.04),
        ("prefer_not_to_say", 0.04),
    ),
    "age_40_or_over": (("under_40", 0.8), ("forty_or_over", 0.15), ("prefer_not_to_say", 0.05)),
}


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    keys, weights = zip(*weighted, strict=True)
    return rng.choices(keys, weights=weights)[0]


def _reason(category: str) -> str:
    return category + REASON_SEPARATOR + "demo"


def record_graded_run(
    application: Application,
    exercise: Exercise,
    points: dict[str, float],
    at: datetime,
    actor: User | None,
) -> int:
    """Assign (once), open, upload and grade `exercise` with these group points, through the
    grading operations a worker uses; returns the run id."""
    assignment = next(
        (a for a in grading.assignments_of(application) if a.exercise_slug == exercise.id), None
    )
    if assignment is None:
        assignment = grading.assign_exercise(
            application, exercise.id, exercise.time_budget_minutes, actor, timedelta(days=30)
        )
        assignment.assigned_at = at
        grading.open_assignment(assignment, now=at)
    notebook = (exercise.starter_dir / exercise.notebook).read_bytes()
    run = grading.submit(
        assignment,
        exercise.notebook,
        notebook,
        exercise.version,
        current_app.config["MAX_NOTEBOOK_BYTES"],
        now=min(at + timedelta(minutes=90), assignment.deadline_at or at),
    )
    grading.claim_run(run.id, "demo-worker", timedelta(minutes=5))
    groups = tuple(
        grading.ScoredGroup(
            group.id,
            group.title,
            group.dimension,
            points.get(group.id, 0.0),
            group.points,
            group.visible,
            "Demo grading.",
        )
        for group in exercise.groups
    )
    score = round(sum(g.score for g in groups), 2)
    scored = grading.ScoredRun(
        "completed", "Demo grading.", score, exercise.max_score, 8.0, 8, 8, groups, (), None, ""
    )
    grading.record_result(run.id, "demo-worker", scored)
    return run.id


def record_interview(
    application: Application,
    kit_id: str,
    levels: dict[User, dict[str, str]],
    at: datetime,
    actor: User | None,
) -> None:
    """Hold an interview in the application's stage and submit each panelist's levels."""
    installed = catalog()
    kit = installed.kit(kit_id)
    rubric = installed.rubric(kit.rubric_id)
    interview = scorecards.schedule_interview(
        application, application.stage, kit, list(levels), at, actor
    )
    for interviewer, given in levels.items():
        data = scorecards.ScorecardInput(levels=given, recommendation="yes")
        scorecards.submit(interview, interviewer, data, rubric, kit)


class _Cohort:
    def __init__(self, job: Job, exercise: Exercise, recruiter: User, panel: list[User]) -> None:
        self.job, self.exercise, self.recruiter, self.panel = job, exercise, recruiter, panel
        self.stages = {stage.name: stage for stage in job.stages}
        self.rng = random.Random(SEED)

    def move(self, application: Application, name: str, at: datetime, reason: str = "") -> None:
        pipeline.move(application, self.stages[name], self.recruiter, reason=reason, at=at)

    def grade(self, application: Application, skill: float, at: datetime) -> float:
        """Points per group drawn from the skill; returns the share of the maximum scored."""
        points = {}
        for group in self.exercise.groups:
            tests = TESTS.get(group.id, 2)
            weight = SKILL_WEIGHT.get(group.id, 1.3)
            chance = 1 / (1 + math.exp(-(weight * skill + EASE.get(group.id, 0.0))))
            passed = sum(self.rng.random() < chance for _ in range(tests))
            points[group.id] = round(group.points * passed / tests, 2)
        record_graded_run(application, self.exercise, points, at, self.recruiter)
        return sum(points.values()) / self.exercise.max_score

    def interview(self, application: Application, skill: float, at: datetime, kit_id: str) -> None:
        dimensions = catalog().kit(kit_id).dimensions
        levels = {}
        for interviewer in self.panel:
            levels[interviewer] = {}
            for dimension in dimensions:
                judged = skill + self.rng.gauss(0, 0.7)
                level = "below" if judged < -0.4 else "meets" if judged < 0.7 else "strong"
                levels[interviewer][dimension] = level
        record_interview(application, kit_id, levels, at, self.recruiter)

    def candidate(self, number: int, start: datetime) -> None:
        rng = self.rng
        name = f"{FIRST[number % len(FIRST)]} {LAST[(number * 7) % len(LAST)]}"
        email = f"{name.lower().replace(' ', '.')}.{number}@example.com"
        person = pipeline.add_candidate(name, email, rng.choice(pipeline.SOURCES))
        if rng.random() > 0.12:  # most candidates answer the voluntary form
            self_id.save_answers(person, {q: _pick(rng, options) for q, options in ANSWERS.items()})
        skill = rng.gauss(0, 1)
        at = start + timedelta(hours=11 * number)
        application = pipeline.apply(person, self.job, self.recruiter, at=at)
        step = timedelta(days=2)
        if skill + rng.gauss(0, 0.8) < -1.3:
            self.move(application, "Rejected", at + step, _reason("Experience level"))
            return
        self.move(application, "Recruiter screen", at := at + step)
        self.move(application, "Take-home", at := at + step)
        share = self.grade(application, skill, at + timedelta(hours=2))
        if number % 11 == 0:
            return  # still being reviewed
        if share < 0.55:
            self.move(application, "Rejected", at + step, _reason("Take-home below the bar"))
            return
        self.move(application, "Technical interviews", at := at + step)
        self.interview(
            application,
            skill,
            at + timedelta(hours=4),
            "fundamentals" if number % 2 else "debugging",
        )
        if number % 7 == 0:
            return  # debrief not held yet
        if skill + rng.gauss(0, 0.6) < 0.1:
            self.move(application, "Rejected", at + step, _reason("Interview performance"))
            return
        self.move(application, "Debrief", at := at + step)
        self.move(application, "Offer", at := at + step)
        if rng.random() < 0.75:
            self.move(application, "Hired", at + step)
        else:
            self.move(application, "Withdrawn", at + step, _reason("Accepted another offer"))


def allow_demographic_reports(recruiter: User, admin: User) -> None:
    """The demo recruiter is one an admin allowed to read adverse-impact reports."""
    report_operations.set_demographic_access(recruiter, True, admin)


def seed_assessment(recruiter: User, interviewer_emails: list[str]) -> None:
    exercise = installed_exercise(EXERCISE)
    job = pipeline.create_job("ML Engineer (graduate intake)", recruiter, "Machine Learning")
    cohort = _Cohort(job, exercise, recruiter, [_user(email) for email in interviewer_emails])
    start = now_utc() - timedelta(days=70)
    for number in range(COHORT):
        cohort.candidate(number, start)

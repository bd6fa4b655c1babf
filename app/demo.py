"""Demo data for `make run`: one job, its staff and a dozen candidates over the stages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.operations import create_user
from app.extensions import db
from app.models import Role, User, now_utc
from app.pipeline import operations as pipeline

DEMO_PASSWORD = "hirelab-demo"
STAFF = (
    ("admin@hirelab.example", "Ada Admin", Role.ADMIN),
    ("recruiter@hirelab.example", "Riley Recruiter", Role.RECRUITER),
    ("interviewer1@hirelab.example", "Ian Interviewer", Role.INTERVIEWER),
    ("interviewer2@hirelab.example", "Ines Interviewer", Role.INTERVIEWER),
)
SCREEN, TAKE_HOME, TECHNICAL = "Recruiter screen", "Take-home", "Technical interviews"
# (name, source, the stages moved through after Applied, the reason for a terminal move)
CANDIDATES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Priya Raman", "referral", (), ""),
    ("Tom Becker", "job board", (), ""),
    ("Lena Okafor", "careers site", (SCREEN,), ""),
    ("Marco Silva", "university", (SCREEN,), ""),
    ("Yuki Tanaka", "sourced", (SCREEN, TAKE_HOME), ""),
    ("Sam Whitfield", "referral", (SCREEN, TAKE_HOME), ""),
    ("Amara Nwosu", "careers site", (SCREEN, TAKE_HOME, TECHNICAL), ""),
    ("Jonas Weber", "agency", (SCREEN, TAKE_HOME, TECHNICAL, "Debrief"), ""),
    ("Chloe Martin", "referral", (SCREEN, TAKE_HOME, TECHNICAL, "Debrief", "Offer"), ""),
    (
        "Diego Herrera",
        "university",
        (SCREEN, TAKE_HOME, TECHNICAL, "Debrief", "Offer", "Hired"),
        "",
    ),
    ("Noor Haddad", "job board", (SCREEN, TAKE_HOME, "Rejected"), "Take-home below the bar"),
    ("Ethan Brooks", "careers site", (SCREEN, "Withdrawn"), "Accepted another offer"),
)


def database_has_users() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def staff_logins() -> list[tuple[str, str]]:
    return [(email, role.value) for email, _, role in STAFF]


def seed(assessment_cohort: bool = False) -> None:
    """Create the demo data; raises DuplicateError when it is already there.

    `assessment_cohort` adds a second job whose 90 candidates took the take-home exercise, so
    the assessment and adverse-impact reports have data (`seed-demo` does; tests that only need
    the first job leave it out: it takes several seconds)."""
    from app.reports.demo import allow_demographic_reports, seed_assessment
    from app.scorecards.demo import seed_interviews

    staff = {role: create_user(email, name, role, DEMO_PASSWORD) for email, name, role in STAFF}
    job = pipeline.create_job("Junior AI Engineer", staff[Role.RECRUITER], "Machine Learning")
    start = now_utc() - timedelta(days=30)
    stages = {stage.name: stage for stage in job.stages}
    for number, (name, source, path, reason) in enumerate(CANDIDATES):
        email = name.lower().replace(" ", ".") + "@example.com"
        candidate = pipeline.add_candidate(name, email, source)
        at = start + timedelta(days=number)
        application = pipeline.apply(candidate, job, staff[Role.RECRUITER], at=at)
        for stage_name in path:
            at += timedelta(days=2)
            stage = stages[stage_name]
            pipeline.move(
                application,
                stage,
                staff[Role.RECRUITER],
                reason=reason if stage.kind.is_terminal else "",
                at=at,
            )
    seed_interviews()
    allow_demographic_reports(staff[Role.RECRUITER], staff[Role.ADMIN])
    if assessment_cohort:
        interviewers = [email for email, _, role in STAFF if role is Role.INTERVIEWER]
        seed_assessment(staff[Role.RECRUITER], interviewers)

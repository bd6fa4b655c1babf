"""Demo interviews and scorecards for `make run`, on top of app.demo's job, staff and candidates.

Call `seed_interviews()` after `app.demo.seed()`. The first interview has the first demo
interviewer on its panel and the first scorecard is theirs, so a route walk with object id 1
(tests/auth/test_access.py) reaches real pages for the demo interviewer.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate, User, now_utc
from app.scorecards import operations
from app.scorecards.catalog import catalog
from app.scorecards.operations import ScorecardInput

IAN, INES = "interviewer1@hirelab.example", "interviewer2@hirelab.example"
RECRUITER = "recruiter@hirelab.example"
# (candidate, kit, hours from now, {interviewer: (levels by dimension, recommendation, flags)})
PLAN: tuple[tuple[str, str, int, dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]]], ...] = (
    (
        "Jonas Weber",
        "ship-this-model",
        -72,
        {
            IAN: (("strong", "meets", "strong", "meets"), "strong_yes", ()),
            INES: (("meets", "meets", "meets", "meets"), "yes", ()),
        },
    ),
    (
        "Chloe Martin",
        "fundamentals",
        -120,
        {
            IAN: (("strong", "meets", "strong"), "yes", ()),
            INES: (("strong", "strong", "meets"), "strong_yes", ()),
        },
    ),
    (
        "Amara Nwosu",
        "debugging",
        -36,  # Ian has not scored it yet: overdue, and Ines's scorecard is hidden from him
        {INES: (("below", "meets", "meets", "below"), "no", ("blames_others",))},
    ),
    ("Amara Nwosu", "fundamentals", 24, {}),  # upcoming
)


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _application(candidate_name: str) -> Application:
    return db.session.scalars(
        select(Application).join(Candidate).where(Candidate.name == candidate_name)
    ).one()


def seed_interviews() -> None:
    installed = catalog()
    recruiter = _user(RECRUITER)
    for candidate_name, kit_id, hours, cards in PLAN:
        application = _application(candidate_name)
        kit = installed.kit(kit_id)
        rubric = installed.rubric(kit.rubric_id)
        panel = [_user(IAN), _user(INES)]
        interview = operations.schedule_interview(
            application,
            application.stage,
            kit,
            panel,
            now_utc() + timedelta(hours=hours),
            recruiter,
        )
        for email, (levels, recommendation, flags) in cards.items():
            data = ScorecardInput(
                levels=dict(zip(kit.dimensions, levels, strict=True)),
                dimension_notes={kit.dimensions[0]: f"Demo notes on {kit.title.lower()}."},
                red_flags=flags,
                recommendation=recommendation,
                notes=f"{candidate_name}: demo scorecard.",
            )
            operations.submit(interview, _user(email), data, rubric, kit)

"""What the API returns about grading runs, submissions and scorecards, declared once.

Which fields a viewer may see is decided by app/auth/policy.py: the `ShownTo` rules on the fields,
the policy's part functions the builders call, and the independence rule for whole scorecards.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasPath, Field
from pydantic.json_schema import SkipJsonSchema

from app import models
from app.api.shapes import Id, Items, Shape, ShownTo, Time
from app.auth import policy
from app.grading import red_flags
from app.models import RunStatus, ScorecardStatus

STAFF_ONLY = ShownTo(policy.shows_hidden_groups, "staff only")
RED_FLAGS = ShownTo(policy.shows_red_flags, "the hiring team only (red-flag evidence)")


class GroupScore(Shape):
    id: str = Field(validation_alias="group_id")
    title: str
    dimension: str
    score: float
    max_score: float
    message: str


class TestOutcome(Shape):
    id: str = Field(validation_alias="test_id")
    group: str = Field(validation_alias="group_id")
    outcome: str
    message: str


class RedFlag(Shape):
    """Red-flag evidence (app/grading/red_flags.py): what the hidden tests saw, and where."""

    kind: str
    meaning: str
    weight: str
    message: str
    group: str = Field(validation_alias="group_id")
    group_title: str
    test: str = Field(validation_alias="test_id")
    run_id: Id
    review_url: str


class Run(Shape):
    """A grading run; candidates see what their status page shows (visible groups and their
    total, no tests, no red flags)."""

    id: Id
    status: RunStatus
    attempts: int
    queued_at: Time
    finished_at: Time | None
    cells_done: int
    cells_total: int
    verdict: str | None
    score: float | None
    max_score: float | None
    duration_s: float | None
    groups: list[GroupScore]
    message: Annotated[str | SkipJsonSchema[None], STAFF_ONLY] = None
    tests: Annotated[list[TestOutcome] | SkipJsonSchema[None], STAFF_ONLY] = Field(
        None, validation_alias="test_outcomes"
    )
    red_flags: Annotated[list[RedFlag] | SkipJsonSchema[None], RED_FLAGS] = None

    @classmethod
    def of(cls, run: models.GradingRun, viewer: models.User) -> Run:  # type: ignore[override]
        score, max_score = policy.visible_total(viewer, run)
        return cls.for_viewer(
            viewer,
            run,
            score=score,
            max_score=max_score,
            groups=policy.visible_group_scores(viewer, run),
            red_flags=lambda: red_flags.evidence(viewer, run),
        )


class Submission(Shape):
    id: Id
    assignment_id: Id
    application_id: Id = Field(validation_alias=AliasPath("assignment", "application_id"))
    exercise: str = Field(validation_alias=AliasPath("assignment", "exercise_slug"))
    filename: str  # a neutral name while the viewer reviews blind (policy)
    sha256: str
    size_bytes: int
    submitted_at: Time
    ai_policy: str | None
    ai_disclosure: str
    runs: list[Run]

    @classmethod
    def of(cls, submission: models.Submission, viewer: models.User) -> Submission:  # type: ignore[override]
        return cls.for_viewer(
            viewer,
            submission,
            filename=policy.submission_parts(viewer, submission)["filename"],
            runs=[Run.of(run, viewer) for run in submission.runs],
        )


class Assignment(Shape):
    id: Id
    exercise: str = Field(validation_alias="exercise_slug")
    opened_at: Time | None
    deadline_at: Time | None


class DimensionScore(Shape):
    dimension: str
    level: str | None
    value: int | None
    notes: str


class Scorecard(Shape):
    """Whole scorecards only: who may read which is the independence rule (app/auth)."""

    id: Id
    interview_id: Id
    application_id: Id
    interviewer_id: Id
    version: int
    status: ScorecardStatus
    rubric_id: str
    rubric_version: int
    scores: list[DimensionScore]
    signals: list[str]
    red_flags: list[str]
    recommendation: str | None
    notes: str
    submitted_at: Time | None
    superseded_at: Time | None


class SubmissionList(Items[Submission]):
    pass


class ScorecardList(Items[Scorecard]):
    pass

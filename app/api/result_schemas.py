"""What the API returns about grading runs, submissions and scorecards, declared once.

Which fields a viewer may see is decided by app/auth/policy.py: the `ShownTo` rules on the fields,
the policy's part functions the builders call, and the independence rule for whole scorecards.
"""

from __future__ import annotations

from typing import Annotated

from pydantic.json_schema import SkipJsonSchema

from app import models
from app.api.shapes import Id, Items, Shape, ShownTo, Time
from app.auth import policy
from app.grading import red_flags
from app.models import RunStatus, ScorecardStatus

STAFF_ONLY = ShownTo(policy.shows_hidden_groups, "staff only")
RED_FLAGS = ShownTo(policy.shows_red_flags, "the hiring team only (red-flag evidence)")


class GroupScore(Shape):
    id: str
    title: str
    dimension: str
    score: float
    max_score: float
    message: str


class TestOutcome(Shape):
    id: str
    group: str
    outcome: str
    message: str


class RedFlag(Shape):
    kind: str
    meaning: str
    weight: str
    message: str
    group: str
    group_title: str
    test: str
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
    tests: Annotated[list[TestOutcome] | SkipJsonSchema[None], STAFF_ONLY] = None
    red_flags: Annotated[list[RedFlag] | SkipJsonSchema[None], RED_FLAGS] = None

    @classmethod
    def of(cls, run: models.GradingRun, viewer: models.User) -> Run:
        score, max_score = policy.visible_total(viewer, run)
        return cls.for_viewer(
            viewer,
            id=run.id,
            status=run.status,
            attempts=run.attempts,
            queued_at=run.queued_at,
            finished_at=run.finished_at,
            cells_done=run.cells_done,
            cells_total=run.cells_total,
            verdict=run.verdict,
            score=score,
            max_score=max_score,
            duration_s=run.duration_s,
            groups=[
                GroupScore(
                    id=g.group_id,
                    title=g.title,
                    dimension=g.dimension,
                    score=g.score,
                    max_score=g.max_score,
                    message=g.message,
                )
                for g in policy.visible_group_scores(viewer, run)
            ],
            message=lambda: run.message,
            tests=lambda: [
                TestOutcome(id=t.test_id, group=t.group_id, outcome=t.outcome, message=t.message)
                for t in run.test_outcomes
            ],
            red_flags=lambda: [
                RedFlag(**flag.as_json()) for flag in red_flags.evidence(viewer, run)
            ],
        )


class Submission(Shape):
    id: Id
    assignment_id: Id
    application_id: Id
    exercise: str
    filename: str  # a neutral name while the viewer reviews blind (policy)
    sha256: str
    size_bytes: int
    submitted_at: Time
    ai_policy: str | None
    ai_disclosure: str
    runs: list[Run]

    @classmethod
    def of(cls, submission: models.Submission, viewer: models.User) -> Submission:
        parts = policy.submission_parts(viewer, submission)
        return cls(
            id=submission.id,
            assignment_id=submission.assignment_id,
            application_id=submission.assignment.application_id,
            exercise=submission.assignment.exercise_slug,
            filename=parts["filename"],
            sha256=submission.sha256,
            size_bytes=submission.size_bytes,
            submitted_at=submission.submitted_at,
            ai_policy=submission.ai_policy,
            ai_disclosure=submission.ai_disclosure,
            runs=[Run.of(r, viewer) for r in submission.runs],
        )


class Assignment(Shape):
    id: Id
    exercise: str
    opened_at: Time | None
    deadline_at: Time | None

    @classmethod
    def of(cls, assignment: models.Assignment) -> Assignment:
        return cls(
            id=assignment.id,
            exercise=assignment.exercise_slug,
            opened_at=assignment.opened_at,
            deadline_at=assignment.deadline_at,
        )


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

    @classmethod
    def of(cls, card: models.Scorecard) -> Scorecard:
        return cls(
            id=card.id,
            interview_id=card.interview_id,
            application_id=card.application_id,
            interviewer_id=card.interviewer_id,
            version=card.version,
            status=card.status,
            rubric_id=card.rubric_id,
            rubric_version=card.rubric_version,
            scores=[
                DimensionScore(dimension=s.dimension, level=s.level, value=s.value, notes=s.notes)
                for s in card.scores
            ],
            signals=list(card.signals),
            red_flags=list(card.red_flags),
            recommendation=card.recommendation,
            notes=card.notes,
            submitted_at=card.submitted_at,
            superseded_at=card.superseded_at,
        )


class SubmissionList(Items[Submission]):
    pass


class ScorecardList(Items[Scorecard]):
    pass

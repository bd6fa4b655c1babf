"""What the API returns about people and the pipeline, declared once: each shape is its OpenAPI
schema, and `of(...)` fills it (grading results and scorecards: app/api/result_schemas.py).

Which parts a viewer may see is never decided here: the builders ask app/auth/policy.py (who moved
an application and why, which of a candidate's applications).
"""

from __future__ import annotations

from app import models
from app.api.shapes import Id, Page, Shape, Time
from app.auth import policy
from app.models import Role, StageKind


class User(Shape):
    id: Id
    email: str
    name: str
    role: Role


class Stage(Shape):
    id: Id
    name: str
    position: int
    kind: StageKind


class Job(Shape):
    id: Id
    title: str
    department: str
    is_open: bool
    created_at: Time


class JobDetail(Job):
    stages: list[Stage]


class Transition(Shape):
    id: Id
    from_stage_id: int | None
    to_stage_id: Id
    at: Time
    actor_id: int | None  # null unless the policy shows who moved them (staff)
    reason: str | None  # null unless the policy shows why (staff)

    @classmethod
    def of(cls, move: models.StageTransition, viewer: models.User) -> Transition:  # type: ignore[override]
        return cls.for_viewer(
            viewer,
            move,
            actor_id=policy.move_actor_id(viewer, move),
            reason=policy.move_reason(viewer, move),
        )


class Application(Shape):
    id: Id
    candidate_id: Id
    job_id: Id
    stage: Stage
    applied_at: Time
    stage_entered_at: Time


class ApplicationDetail(Application):
    transitions: list[Transition]

    @classmethod
    def of(cls, app: models.Application, viewer: models.User) -> ApplicationDetail:  # type: ignore[override]
        transitions = [Transition.of(t, viewer) for t in app.transitions]
        return cls.for_viewer(viewer, app, transitions=transitions)


class Candidate(Shape):
    id: Id
    name: str
    email: str
    source: str
    created_at: Time


class CandidateDetail(Candidate):
    applications: list[Application]  # only those the viewer may see (policy)

    @classmethod
    def of(cls, candidate: models.Candidate, viewer: models.User) -> CandidateDetail:  # type: ignore[override]
        visible = policy.visible_applications(viewer, candidate)
        return cls.for_viewer(viewer, candidate, applications=visible)


class JobsPage(Page[Job]):
    pass


class CandidatesPage(Page[Candidate]):
    pass


class ApplicationsPage(Page[Application]):
    pass

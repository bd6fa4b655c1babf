"""What the API returns about people and the pipeline, declared once: each shape is its OpenAPI
schema, and `of(...)` fills it (grading results and scorecards: app/api/result_schemas.py).

Which parts a viewer may see is never decided here: the builders ask app/auth/policy.py (who moved
an application and why, which of a candidate's applications).
"""

from __future__ import annotations

from typing import Any

from app import models
from app.api.shapes import Id, Page, Shape, Time
from app.auth import policy
from app.models import Role, StageKind


class User(Shape):
    id: Id
    email: str
    name: str
    role: Role

    @classmethod
    def of(cls, user: models.User) -> User:
        return cls(id=user.id, email=user.email, name=user.name, role=user.role)


class Stage(Shape):
    id: Id
    name: str
    position: int
    kind: StageKind

    @classmethod
    def of(cls, stage: models.Stage) -> Stage:
        return cls(id=stage.id, name=stage.name, position=stage.position, kind=stage.kind)


class Job(Shape):
    id: Id
    title: str
    department: str
    is_open: bool
    created_at: Time

    @classmethod
    def of(cls, job: models.Job) -> Any:
        return cls(
            id=job.id,
            title=job.title,
            department=job.department,
            is_open=job.is_open,
            created_at=job.created_at,
        )


class JobDetail(Job):
    stages: list[Stage]

    @classmethod
    def of(cls, job: models.Job) -> JobDetail:
        return cls(**Job.of(job).model_dump(), stages=[Stage.of(s) for s in job.stages])


class Transition(Shape):
    id: Id
    from_stage_id: int | None
    to_stage_id: Id
    at: Time
    actor_id: int | None  # null unless the policy shows who moved them (staff)
    reason: str | None  # null unless the policy shows why (staff)

    @classmethod
    def of(cls, move: models.StageTransition, viewer: models.User) -> Transition:
        return cls(
            id=move.id,
            from_stage_id=move.from_stage_id,
            to_stage_id=move.to_stage_id,
            at=move.at,
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

    @classmethod
    def of(cls, app: models.Application, viewer: models.User) -> Any:
        return cls(
            id=app.id,
            candidate_id=app.candidate_id,
            job_id=app.job_id,
            stage=Stage.of(app.stage),
            applied_at=app.applied_at,
            stage_entered_at=app.stage_entered_at,
        )


class ApplicationDetail(Application):
    transitions: list[Transition]

    @classmethod
    def of(cls, app: models.Application, viewer: models.User) -> ApplicationDetail:
        return cls(
            **Application.of(app, viewer).model_dump(),
            transitions=[Transition.of(t, viewer) for t in app.transitions],
        )


class Candidate(Shape):
    id: Id
    name: str
    email: str
    source: str
    created_at: Time

    @classmethod
    def of(cls, candidate: models.Candidate) -> Any:
        return cls(
            id=candidate.id,
            name=candidate.name,
            email=candidate.email,
            source=candidate.source,
            created_at=candidate.created_at,
        )


class CandidateDetail(Candidate):
    applications: list[Application]  # only those the viewer may see (policy)

    @classmethod
    def of(cls, candidate: models.Candidate, viewer: models.User) -> CandidateDetail:  # type: ignore[override]
        return cls(
            **Candidate.of(candidate).model_dump(),
            applications=[
                Application.of(a, viewer) for a in policy.visible_applications(viewer, candidate)
            ],
        )


class JobsPage(Page[Job]):
    pass


class CandidatesPage(Page[Candidate]):
    pass


class ApplicationsPage(Page[Application]):
    pass

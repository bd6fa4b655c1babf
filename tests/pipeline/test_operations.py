import pytest

from app.errors import DomainError, DuplicateError
from app.models import StageKind, StageTransition
from app.pipeline import operations


def test_new_job_gets_the_default_pipeline(create_job):
    job = create_job()
    assert [stage.name for stage in job.stages] == [name for name, _ in operations.DEFAULT_PIPELINE]
    assert [stage.position for stage in job.stages] == list(range(len(job.stages)))
    kinds = {stage.name: stage.kind for stage in job.stages}
    assert kinds["Hired"] is StageKind.HIRED
    assert kinds["Rejected"] is StageKind.REJECTED
    assert kinds["Withdrawn"] is StageKind.WITHDRAWN


def test_job_needs_a_title(app):
    with pytest.raises(DomainError, match="title"):
        operations.create_job("   ", None)


def test_apply_enters_the_first_stage_with_a_transition(db, create_job, create_candidate):
    job = create_job()
    candidate = create_candidate(job)
    (application,) = candidate.applications
    assert application.stage.name == "Applied"
    (entry,) = application.transitions
    assert entry.from_stage is None and entry.to_stage.name == "Applied"


def test_applying_twice_to_one_job_is_a_duplicate(db, create_job, create_candidate):
    job = create_job()
    candidate = create_candidate(job)
    with pytest.raises(DuplicateError, match="already applied"):
        operations.apply(candidate, job, None)


def test_same_candidate_may_apply_to_two_jobs(db, create_job, create_candidate):
    candidate = create_candidate(create_job("Job A"))
    operations.apply(candidate, create_job("Job B"), None)
    assert len(candidate.applications) == 2


def test_move_records_who_when_from_and_to(db, create_job, create_candidate, create_user):
    job = create_job()
    (application,) = create_candidate(job).applications
    actor = create_user()
    screen = job.stages[1]
    transition = operations.move(application, screen, actor, reason="strong CV")
    db.session.commit()
    assert application.stage is screen
    assert (transition.from_stage.name, transition.to_stage.name) == ("Applied", "Recruiter screen")
    assert transition.actor is actor and transition.reason == "strong CV"
    assert db.session.query(StageTransition).count() == 2


def test_rejection_needs_a_reason(db, create_job, create_candidate):
    job = create_job()
    (application,) = create_candidate(job).applications
    rejected = next(stage for stage in job.stages if stage.kind is StageKind.REJECTED)
    with pytest.raises(DomainError, match="why"):
        operations.move(application, rejected, None, reason="  ")
    operations.move(application, rejected, None, reason="Salary expectations")
    assert application.stage is rejected


def test_cannot_move_to_another_jobs_stage_or_stay_put(db, create_job, create_candidate):
    job, other = create_job("A"), create_job("B")
    (application,) = create_candidate(job).applications
    with pytest.raises(DomainError, match="another job"):
        operations.move(application, other.stages[1], None)
    with pytest.raises(DomainError, match="already in"):
        operations.move(application, application.stage, None)


def test_duplicate_candidate_email_is_refused_case_insensitively(app, create_candidate):
    candidate = create_candidate()
    with pytest.raises(DuplicateError, match="already exists"):
        operations.add_candidate("Someone", candidate.email.upper(), "referral")


def test_unknown_source_is_refused(app):
    with pytest.raises(DomainError, match="source"):
        operations.add_candidate("A", "a@example.com", "carrier pigeon")

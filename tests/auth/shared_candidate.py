"""One candidate in two recruiters' jobs, with everything a viewer might be refused a part of:

- job Alpha (recruiter A, interviewer A on a scored panel): the application is REJECTED with
  internal free text;
- job Bravo (recruiter B, blind review, interviewer B on a panel without a scorecard yet, so
  reviewing blind): a graded submission whose file name carries the candidate's name, with a
  hidden test group, so its total (7.7 / 10) includes what candidates may not see;
- recruiter C works on a job of their own only; the candidate has an account and an invite.

Every marker below is a string that appears in no page chrome, so "not in the body" is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from app.auth import operations as auth_operations
from app.extensions import db
from app.grading import operations as grading
from app.models import Application, Candidate, GradingRun, Job, Role, User
from app.pipeline import operations as pipeline
from tests.grading.conftest import TINY
from tests.scorecards.conftest import schedule, staff, submit

NAME = "Casey Sharedperson"
EMAIL = "casey.shared@example.com"
TITLE_A = "Alphajobtitle Engineer"
TITLE_B = "Bravojobtitle Scientist"
REJECT_TEXT = "Internalrejecttext too junior for Alpha"
FILENAME = "casey-sharedperson-solution.ipynb"
HIDDEN_TITLE = "Hiddengrouptitle holdout"
HIDDEN_MESSAGE = "Hiddengroupmessage row 7 wrong"
TOTAL = "7.7"  # 3.5 / 4 visible + 4.2 / 6 hidden
# The total as a number on its own (not the tail of a timestamp's "…:47.7123").
TOTAL_PATTERN = re.compile(r"(?<![\d.:])7\.7(?![\d])")


def shows(marker: str, body: str) -> bool:
    """Whether `body` holds `marker` (the total matched as a number, the others as text)."""
    if marker == TOTAL:
        return TOTAL_PATTERN.search(body) is not None
    return marker in body


@dataclass
class Seed:
    admin: User
    recruiter_a: User
    recruiter_b: User
    recruiter_c: User
    interviewer_a: User
    interviewer_b: User
    candidate_user: User
    job_a: Job
    job_b: Job
    job_c: Job
    candidate: Candidate
    application_a: Application
    application_b: Application
    run: GradingRun
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def viewers(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "recruiter a": self.recruiter_a,
            "recruiter b": self.recruiter_b,
            "recruiter c": self.recruiter_c,
            "interviewer a": self.interviewer_a,
            "interviewer b": self.interviewer_b,
            "candidate": self.candidate_user,
        }


def graded_with_hidden_group(run: GradingRun) -> None:
    result = grading.ScoredRun(
        verdict="completed",
        message="done",
        score=7.7,
        max_score=10,
        duration_s=2.0,
        cells_total=3,
        cells_executed=3,
        groups=(
            grading.ScoredGroup(
                "basics", "Defines the contract", "python_engineering", 3.5, 4, True, "Mostly."
            ),
            grading.ScoredGroup(
                "accuracy", HIDDEN_TITLE, "ml_fundamentals", 4.2, 6, False, HIDDEN_MESSAGE
            ),
        ),
        tests=(("tests/test_accuracy.py::test_holdout", "accuracy", "failed", HIDDEN_MESSAGE),),
        executed_notebook=(TINY / "reference" / "full-marks.ipynb").read_bytes(),
        logs="log",
    )
    grading.claim_run(run.id, "w", timedelta(seconds=60))
    grading.record_result(run.id, "w", result)
    db.session.commit()


def seed() -> Seed:
    admin = staff(Role.ADMIN, "Ada Admin")
    recruiter_a, recruiter_b = staff(Role.RECRUITER, "Rec A"), staff(Role.RECRUITER, "Rec B")
    recruiter_c = staff(Role.RECRUITER, "Rec C")
    interviewer_a = staff(Role.INTERVIEWER, "Int A")
    interviewer_b = staff(Role.INTERVIEWER, "Int B")
    job_a = pipeline.create_job(TITLE_A, recruiter_a)
    job_b = pipeline.create_job(TITLE_B, recruiter_b)
    job_c = pipeline.create_job("Charlie own job", recruiter_c)
    job_b.blind_review = True
    candidate = pipeline.add_candidate(NAME, EMAIL, "referral")
    application_a = pipeline.apply(candidate, job_a, recruiter_a)
    application_b = pipeline.apply(candidate, job_b, recruiter_b)
    for application, recruiter in ((application_a, recruiter_a), (application_b, recruiter_b)):
        stage = next(s for s in application.job.stages if s.name == "Technical interviews")
        pipeline.move(application, stage, recruiter, "Scheduled the panel")
    invite, _ = auth_operations.issue_invite(candidate, recruiter_b, "test", timedelta(days=2))
    assignment = grading.assign_exercise(application_b, "tiny", 30, recruiter_b, timedelta(days=3))
    grading.open_assignment(assignment)
    notebook = (TINY / "reference" / "full-marks.ipynb").read_bytes()
    run = grading.submit(assignment, FILENAME, notebook, 1, 10**6)
    db.session.commit()
    graded_with_hidden_group(run)
    interview_a = schedule(application_a, [interviewer_a], actor=recruiter_a)
    scorecard_a = submit(interview_a, interviewer_a)
    interview_b = schedule(application_b, [interviewer_b], actor=recruiter_b)
    pipeline.reject(application_a, "Experience level", REJECT_TEXT, recruiter_a)
    db.session.commit()
    result = Seed(
        admin,
        recruiter_a,
        recruiter_b,
        recruiter_c,
        interviewer_a,
        interviewer_b,
        candidate.user,
        job_a,
        job_b,
        job_c,
        candidate,
        application_a,
        application_b,
        run,
    )
    shared = {"candidate_id": candidate.id, "invite_id": invite.id, "user_id": recruiter_c.id}
    result.ids = {
        "a": {
            **shared,
            "job_id": job_a.id,
            "stage_id": application_a.stage_id,
            "application_id": application_a.id,
            "interview_id": interview_a.id,
            "scorecard_id": scorecard_a.id,
        },
        "b": {
            **shared,
            "job_id": job_b.id,
            "stage_id": application_b.stage_id,
            "application_id": application_b.id,
            "interview_id": interview_b.id,
            "assignment_id": assignment.id,
            "submission_id": run.submission_id,
            "run_id": run.id,
        },
    }
    return result

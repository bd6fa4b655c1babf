"""Red-flag evidence of a grading run as a viewer may see it (review page, debrief, API).

Each flag says what the hidden tests saw (`message`), the kind of evidence, and which group and
test recorded it, with the anchors of that group's and test's rows on the review page. Who sees
them is `policy.visible_red_flags` (the hiring team; never the candidate). How much a flag
weighs: the rubric names overclaiming a *weak* signal (rubrics/*.yaml, weak_signals
`overclaims`), so the pages present flags as evidence for the interviewers, never as a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from app.auth import policy
from app.extensions import db
from app.models import GradingRun, GroupScore, Submission, TestOutcome, User

# kind → (what it means, how much it weighs); kinds a hidden test may record: exercises/README.md
KINDS = {
    "overclaim": (
        "A reported number the grader's own measurement contradicts",
        "weak signal (the rubric: overclaiming)",
    ),
    "input_mutation": ("The candidate's code changed the caller's inputs", "weak signal"),
    "grader_detection": (
        "The code behaved differently while it was being graded",
        "integrity concern: look before deciding",
    ),
    "forged_reply": (
        "A reply that contradicts what the test measured",
        "integrity concern: look before deciding",
    ),
}
RUBRIC_SIGNAL = {"overclaim": "overclaims"}  # the rubric's weak signal a kind is evidence for


@dataclass(frozen=True)
class FlagEvidence:
    kind: str
    meaning: str
    weight: str
    message: str
    group_id: str
    group_title: str
    test_id: str
    run_id: int
    review_url: str  # the review page
    group_anchor: str  # "" when the run has no such group row
    test_anchor: str
    rubric_signal: str  # the key of the rubric's weak signal the flag is evidence for, or ""


def group_anchor(group: GroupScore) -> str:
    return f"group-{group.id}"


def test_anchor(outcome: TestOutcome) -> str:
    return f"test-{outcome.id}"


def evidence(user: User, run: GradingRun) -> list[FlagEvidence]:
    """The run's red flags `user` may see, with what each means and where it came from."""
    flags = policy.visible_red_flags(user, run)
    if not flags:
        return []
    groups = {g.group_id: g for g in run.group_scores}
    tests = {t.test_id: t for t in run.test_outcomes}
    review = url_for("grading.review", submission_id=run.submission_id)
    out = []
    for flag in flags:
        meaning, weight = KINDS.get(flag.kind, (flag.kind.replace("_", " "), "evidence"))
        group, test = groups.get(flag.group_id), tests.get(flag.test_id)
        out.append(
            FlagEvidence(
                flag.kind,
                meaning,
                weight,
                flag.message,
                flag.group_id,
                group.title if group else flag.group_id,
                flag.test_id,
                run.id,
                review,
                group_anchor(group) if group else "",
                test_anchor(test) if test else "",
                RUBRIC_SIGNAL.get(flag.kind, ""),
            )
        )
    return out


def latest_run_evidence(user: User, submission: Submission) -> list[FlagEvidence]:
    """The flags of the submission's newest graded run (what the review page shows)."""
    run = db.session.scalar(
        select(GradingRun)
        .where(GradingRun.submission_id == submission.id, GradingRun.score.is_not(None))
        .order_by(GradingRun.id.desc())
        .limit(1)
    )
    return evidence(user, run) if run is not None else []

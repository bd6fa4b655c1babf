"""Read-only: the follow-up questions for an application, from its latest graded submissions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.authorship.questions import Question, grading_questions, notebook_questions
from app.models import Application, RunStatus, Submission
from app.similarity.fingerprints import notebook_cells


@dataclass(frozen=True)
class SubmissionQuestions:
    submission: Submission
    questions: list[Question]


def _starter_sources(slug: str) -> frozenset[str]:
    folder = Path(current_app.config["EXERCISES_DIR"]) / slug / "starter"
    return frozenset(
        source.strip()
        for path in sorted(folder.glob("*.ipynb"))
        for _, source in notebook_cells(path.read_bytes())
    )


def followups_for(
    application: Application, submissions: list[Submission]
) -> list[SubmissionQuestions]:
    """Questions per latest submission of `application` (callers pass the ones to ask about)."""
    found = []
    for submission in submissions:
        if submission.assignment.application_id != application.id:
            continue
        graded = [run for run in submission.runs if run.status is RunStatus.GRADED]
        failed = (
            [(g.title, g.message) for g in graded[-1].group_scores if g.score < g.max_score]
            if graded
            else []
        )
        base = _starter_sources(submission.assignment.exercise_slug)
        questions = grading_questions(failed) + notebook_questions(submission.notebook, base)
        found.append(SubmissionQuestions(submission, questions))
    return found

"""Scorecards as CSV rows: one row per dimension score (written by app.csv_export)."""

from __future__ import annotations

from collections.abc import Iterable

from app.models import Scorecard
from app.scorecards.rubrics import Rubric

HEADER = (
    "candidate",
    "job",
    "interview_id",
    "kit",
    "interviewer",
    "scorecard_id",
    "version",
    "status",
    "submitted_at",
    "rubric",
    "dimension",
    "level",
    "notes",
    "recommendation",
    "red_flags",
)


def scorecard_rows(
    scorecards: list[Scorecard], candidate_name: str | None = None
) -> Iterable[list[object]]:
    """One row per dimension score of each scorecard, labelled from its own rubric snapshot
    (`candidate_name` replaces the name, e.g. with a blind-review pseudonym)."""
    for card in scorecards:
        rubric = Rubric.from_snapshot(card.rubric_snapshot)
        recommendation = rubric.recommendation(card.recommendation)
        flags = "; ".join(rubric.signal_text(key) for key in card.red_flags)
        for score in card.scores:
            yield [
                candidate_name or card.application.candidate.name,
                card.application.job.title,
                card.interview_id,
                card.interview.kit_title,
                card.interviewer.name,
                card.id,
                card.version,
                card.status.value,
                card.submitted_at,
                f"{card.rubric_id} v{card.rubric_version}",
                score.dimension,
                score.level or "",
                score.notes,
                recommendation.label if recommendation else "",
                flags,
            ]

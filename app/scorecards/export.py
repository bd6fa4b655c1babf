"""CSV of scorecards (one row per dimension score), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
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


def spreadsheet_safe(value: object) -> str:
    """Neutralise cells a spreadsheet would run as a formula (CSV injection)."""
    if value is None:
        return ""
    if not isinstance(value, str):  # numbers are data, even negative ones
        return str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(rows: Iterable[Iterable[object]], header: Iterable[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def scorecards_csv(scorecards: list[Scorecard]) -> str:
    def rows() -> Iterable[list[object]]:
        for card in scorecards:
            rubric = Rubric.from_snapshot(card.rubric_snapshot)
            recommendation = rubric.recommendation(card.recommendation)
            flags = "; ".join(rubric.signal_text(key) for key in card.red_flags)
            for score in card.scores:
                yield [
                    card.application.candidate.name,
                    card.application.job.title,
                    card.interview_id,
                    card.interview.kit_title,
                    card.interviewer.name,
                    card.id,
                    card.version,
                    card.status.value,
                    card.submitted_at.isoformat() if card.submitted_at else "",
                    f"{card.rubric_id} v{card.rubric_version}",
                    score.dimension,
                    score.level or "",
                    score.notes,
                    recommendation.label if recommendation else "",
                    flags,
                ]

    return write_csv(rows(), HEADER)

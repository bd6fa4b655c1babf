"""Read-only: the matches of a submission as one viewer may see them, and why they matched.

A match whose other submission the viewer may not open is shown as "a submission you cannot
open": its score and the cells of *this* notebook that matched (the viewer's own evidence), and
nothing of the other side — no candidate, job, date, id or link. Hiding the row entirely would
hide a signal about the candidate the viewer is assessing; showing more would tell a recruiter
about a candidate of a job they cannot reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from app.auth.blind import candidate_label
from app.extensions import db
from app.models import (
    SimilarityMatch,
    Submission,
    SubmissionFingerprint,
    User,
    VariantNumbersFlag,
)
from app.similarity.access import may_open, may_open_assignment

FLAG_AT = 0.5  # a share of fingerprints at which a match is flagged for a human to look at
SHOWN = 5
ALL = 1_000


@dataclass(frozen=True)
class MatchView:
    other: Submission | None  # None: the viewer may not open it
    code_score: float
    markdown_score: float
    shared_code: int
    shared_markdown: int
    cells: list[tuple[str, int, int | None, int]]  # (kind, cell here, cell there or None, shared)

    @property
    def flagged(self) -> bool:
        return max(self.code_score, self.markdown_score) >= FLAG_AT

    @property
    def why(self) -> str:
        parts = []
        for kind, score, shared in (
            ("code", self.code_score, self.shared_code),
            ("markdown", self.markdown_score, self.shared_markdown),
        ):
            if shared:
                parts.append(f"{score:.0%} of the {kind} fingerprints ({shared} shared)")
        reason = " and ".join(parts) or "no shared fingerprints"
        return f"{reason}, after removing the starter notebook and the reference answers"


def matched_cells(
    submission_id: int, other_id: int, reveal_other: bool
) -> list[tuple[str, int, int | None, int]]:
    """(kind, cell here, cell there, shared hashes) per matching cell pair, most shared first."""
    mine, theirs = aliased(SubmissionFingerprint), aliased(SubmissionFingerprint)
    rows = db.session.execute(
        select(mine.kind, mine.cell, theirs.cell, func.count(func.distinct(mine.hash)))
        .join(theirs, (theirs.hash == mine.hash) & (theirs.kind == mine.kind))
        .where(mine.submission_id == submission_id, theirs.submission_id == other_id)
        .group_by(mine.kind, mine.cell, theirs.cell)
        .order_by(func.count(func.distinct(mine.hash)).desc())
    ).all()
    if reveal_other:
        return [(kind, here, there, shared) for kind, here, there, shared in rows]
    merged: dict[tuple[str, int], int] = {}
    for kind, here, _, shared in rows:
        merged[(kind, here)] = merged.get((kind, here), 0) + shared
    return [(kind, here, None, shared) for (kind, here), shared in merged.items()]


def matches_for(submission: Submission, viewer: User, limit: int = SHOWN) -> list[MatchView]:
    """The best matches of `submission` (either side of the stored pair), as `viewer` may see."""
    stored = db.session.scalars(
        select(SimilarityMatch)
        .where(
            or_(
                SimilarityMatch.submission_id == submission.id,
                SimilarityMatch.other_submission_id == submission.id,
            )
        )
    )
    best = sorted(stored, key=lambda m: max(m.code_score, m.markdown_score), reverse=True)
    views = []
    for match in best[:limit]:
        other = (
            match.other_submission
            if match.submission_id == submission.id
            else match.submission
        )
        visible = may_open(viewer, other)
        views.append(
            MatchView(
                other=other if visible else None,
                code_score=match.code_score,
                markdown_score=match.markdown_score,
                shared_code=match.shared_code,
                shared_markdown=match.shared_markdown,
                cells=matched_cells(submission.id, other.id, visible),
            )
        )
    return views


def stored_match(submission_id: int, other_id: int) -> SimilarityMatch | None:
    pair = (max(submission_id, other_id), min(submission_id, other_id))
    return db.session.scalar(
        select(SimilarityMatch).where(
            SimilarityMatch.submission_id == pair[0],
            SimilarityMatch.other_submission_id == pair[1],
        )
    )



@dataclass(frozen=True)
class VariantFlagView:
    """A variant-numbers flag as `viewer` may see it: the other side only when reachable."""

    other: Submission | None  # the other candidate's latest submission, when the viewer may open it
    other_label: str | None  # the other candidate, when the viewer may open their application
    matched: list[dict]  # {name, reported, value (the other variant's), own (this variant's)}

    @property
    def why(self) -> str:
        shown = "; ".join(
            f"{m['reported']:g} equals the {m['name']} of the other candidate's data "
            f"({m['value']:.4f}; on this candidate's own data it is "
            + (f"{m['own']:.4f})" if m.get("own") is not None else "unknown)")
            for m in self.matched
        )
        return f"{len(self.matched)} numbers reported here fit another candidate's data: {shown}"


def variant_flags_for(submission: Submission, viewer: User) -> list[VariantFlagView]:
    flags = db.session.scalars(
        select(VariantNumbersFlag)
        .where(VariantNumbersFlag.submission_id == submission.id)
        .order_by(VariantNumbersFlag.id)
    )
    views = []
    for flag in flags:
        other = flag.other_assignment
        visible = may_open_assignment(viewer, other)
        latest = other.submissions[-1] if visible and other.submissions else None
        views.append(
            VariantFlagView(
                other=latest,
                other_label=candidate_label(other.application, viewer) if visible else None,
                matched=list(flag.matched),
            )
        )
    return views

"""Fingerprint a graded submission and match it against every other submission of its exercise.

Called once from the step that records a grading result; flushes, never commits. The check is
one bounded index range per hash of the submission on `submission_fingerprints`
(exercise_slug, kind, hash), over every exercise version, never the candidate's own uploads.
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import delete, func, or_, select, union_all

from app.extensions import db
from app.models import (
    Application,
    Assignment,
    GradingRun,
    SimilarityMatch,
    Submission,
    SubmissionFingerprint,
)
from app.similarity import base_code
from app.similarity.fingerprints import CODE, KINDS, MARKDOWN, notebook_fingerprints

log = logging.getLogger(__name__)
CANDIDATE_POOL = 50  # best-sharing submissions per kind whose score is computed
KEPT = 10  # matches stored per check
MIN_SCORE = 0.05
# A fingerprint held by more submissions than this is a common idiom, ignored (see _scores).
COMMON_AT = 200
CHUNK = 200  # SQLite allows 500 terms in one compound SELECT


def check_graded_run(run_id: int) -> list[SimilarityMatch]:
    """Store the fingerprints of the run's submission and its matches (replacing earlier ones).

    In a savepoint: a failure here is logged and loses the similarity evidence, never the
    grading result being recorded around it."""
    try:
        with db.session.begin_nested():
            return _check(run_id)
    except Exception:
        log.exception("similarity check of run %s failed; the grading result is kept", run_id)
        return []


def _check(run_id: int) -> list[SimilarityMatch]:
    run = db.session.get(GradingRun, run_id)
    if run is None:
        return []
    submission = run.submission
    slug = submission.assignment.exercise_slug
    store_fingerprints(submission, base_code.exercise_base(slug))
    return find_matches(submission)


def store_fingerprints(submission: Submission, base: dict[str, frozenset[int]]) -> int:
    """(Re)write the submission's fingerprints minus the base code; returns how many."""
    db.session.execute(
        delete(SubmissionFingerprint).where(SubmissionFingerprint.submission_id == submission.id)
    )
    rows = [
        {
            "submission_id": submission.id,
            "exercise_slug": submission.assignment.exercise_slug,
            "kind": kind,
            "hash": print_.hash,
            "cell": print_.cell,
            "position": print_.start,
        }
        for kind, prints in notebook_fingerprints(submission.notebook).items()
        for print_ in prints
        if print_.hash not in base[kind]
    ]
    if rows:
        db.session.execute(db.insert(SubmissionFingerprint), rows)
    return len(rows)


def _own_submissions(submission: Submission):
    """Ids of every submission of the same candidate (re-uploads are not copying)."""
    candidate_id = (
        select(Application.candidate_id)
        .join(Assignment, Assignment.application_id == Application.id)
        .where(Assignment.id == submission.assignment_id)
        .scalar_subquery()
    )
    return (
        select(Submission.id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.candidate_id == candidate_id)
    )


def _distinct_counts(submission_ids: set[int], kind: str) -> dict[int, int]:
    fp = SubmissionFingerprint
    return dict(
        db.session.execute(
            select(fp.submission_id, func.count(func.distinct(fp.hash)))
            .where(fp.submission_id.in_(submission_ids), fp.kind == kind)
            .group_by(fp.submission_id)
        ).all()
    )


def _postings(slug: str, kind: str, hashes: list[int]) -> dict[int, list[int]]:
    """{hash: ids of the submissions holding it}, at most COMMON_AT + 1 per hash: one bounded
    index range per hash (UNION ALL in chunks), so a check costs the same at any pool size."""
    fp = SubmissionFingerprint
    found: dict[int, list[int]] = {}
    for start in range(0, len(hashes), CHUNK):
        parts = [
            select(fp.hash, fp.submission_id)
            .where(fp.exercise_slug == slug, fp.kind == kind, fp.hash == value)
            .limit(COMMON_AT + 1)
            .subquery()
            for value in hashes[start : start + CHUNK]
        ]
        query = union_all(*(select(part.c.hash, part.c.submission_id) for part in parts))
        for value, submission_id in db.session.execute(query):
            found.setdefault(value, []).append(submission_id)
    return found


def _scores(submission: Submission, kind: str) -> dict[int, tuple[float, int]]:
    """{other submission id: (score, shared hashes)} for the best-sharing submissions.

    A hash held by more than COMMON_AT submissions is an idiom of the exercise, not evidence of
    copying (MOSS ignores such passages too): it counts on neither side."""
    fp = SubmissionFingerprint
    mine = list(
        db.session.scalars(
            select(fp.hash).where(fp.submission_id == submission.id, fp.kind == kind).distinct()
        )
    )
    own = set(db.session.scalars(_own_submissions(submission)))
    postings = _postings(submission.assignment.exercise_slug, kind, mine)
    rare = {h: ids for h, ids in postings.items() if len(ids) <= COMMON_AT}
    shared = Counter(i for ids in rare.values() for i in set(ids) if i not in own)
    best = dict(shared.most_common(CANDIDATE_POOL))
    if not best:
        return {}
    sizes = _distinct_counts(set(best), kind)
    return {
        other: (count / max(1, min(len(rare), sizes.get(other, 0))), count)
        for other, count in best.items()
    }


def find_matches(submission: Submission) -> list[SimilarityMatch]:
    """Replace the stored matches involving `submission` with the best ones found now."""
    db.session.execute(
        delete(SimilarityMatch).where(
            or_(
                SimilarityMatch.submission_id == submission.id,
                SimilarityMatch.other_submission_id == submission.id,
            )
        )
    )
    by_kind = {kind: _scores(submission, kind) for kind in KINDS}
    others = set().union(*by_kind.values())
    zero = (0.0, 0)
    found = sorted(
        (
            (by_kind[CODE].get(o, zero), by_kind[MARKDOWN].get(o, zero), o)
            for o in others
        ),
        key=lambda row: (max(row[0][0], row[1][0]), row[0][1]),
        reverse=True,
    )
    matches = [
        SimilarityMatch(
            # a pair is stored once: the later submission first
            submission_id=max(submission.id, other),
            other_submission_id=min(submission.id, other),
            code_score=round(code[0], 4),
            shared_code=code[1],
            markdown_score=round(markdown[0], 4),
            shared_markdown=markdown[1],
        )
        for code, markdown, other in found
        if max(code[0], markdown[0]) >= MIN_SCORE
    ][:KEPT]
    db.session.add_all(matches)
    db.session.flush()
    return matches


def erase_fingerprints(submission_ids) -> None:
    """Erasure: fingerprints and matches of these submissions (a select or a list of ids)."""
    db.session.execute(
        delete(SimilarityMatch).where(
            or_(
                SimilarityMatch.submission_id.in_(submission_ids),
                SimilarityMatch.other_submission_id.in_(submission_ids),
            )
        )
    )
    db.session.execute(
        delete(SubmissionFingerprint).where(
            SubmissionFingerprint.submission_id.in_(submission_ids)
        )
    )

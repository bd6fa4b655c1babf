"""Reported numbers that fit another candidate's variant better than the candidate's own.

Every assignment of an exercise with variants has its own data (app/grading/variants.py) and its
variant's expected numbers stored on it (e.g. the baseline's validation ROC AUC, the churn rate).
A number written in the submission's markdown (visible text) *fits* an expected number when it
equals it at the precision written, with at least `MIN_DECIMALS` decimals (``0.671``, ``67.1%``):
two decimals are shared by most variants and would tell nothing. A submission is flagged against
another candidate's assignment when at least `MIN_FITS` of its numbers fit that variant and fewer
fit its own: the numbers were likely computed on someone else's data. Evidence for people: the
flag says which numbers and links to the other candidate; it changes no score and no stage.
"""

from __future__ import annotations

import logging
import re

import nbformat
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Application, Assignment, Submission, VariantNumbersFlag
from sandbox.runner.text import visible_text

log = logging.getLogger(__name__)
MIN_DECIMALS = 3
MIN_FITS = 2
KEPT = 5
NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+)\s*(%?)")


def reported_numbers(notebook: bytes) -> set[tuple[float, int]]:
    """(value, decimals) of every decimal number in the markdown as rendered; 67.1% is 0.671."""
    try:
        cells = nbformat.reads(notebook.decode("utf-8"), as_version=4).cells
    except Exception:  # stored notebooks passed intake; a broken one simply reports nothing
        return set()
    found = set()
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for digits, percent in NUMBER.findall(visible_text(cell.get("source", ""))):
            decimals = len(digits.split(".")[1]) + (2 if percent else 0)
            value = float(digits) / (100 if percent else 1)
            found.add((round(value, decimals), decimals))
    return found


def fits(numbers: set[tuple[float, int]], expected: dict[str, float]) -> list[dict]:
    """The expected numbers that a reported number equals at its precision (>= MIN_DECIMALS)."""
    matched = []
    for name, value in sorted(expected.items()):
        hit = next(
            (v for v, d in sorted(numbers) if d >= MIN_DECIMALS and round(value, d) == v), None
        )
        if hit is not None:
            matched.append({"name": name, "reported": hit, "value": value})
    return matched


def check_submission(submission: Submission) -> list[VariantNumbersFlag]:
    """Replace the submission's flags; in a savepoint, so a failure loses only this evidence."""
    try:
        with db.session.begin_nested():
            return _check(submission)
    except Exception:
        log.exception("variant numbers check of submission %s failed", submission.id)
        return []


def _check(submission: Submission) -> list[VariantNumbersFlag]:
    db.session.execute(
        delete(VariantNumbersFlag).where(VariantNumbersFlag.submission_id == submission.id)
    )
    assignment = submission.assignment
    own = assignment.variant_numbers
    numbers = reported_numbers(submission.notebook)
    if not own or not numbers:
        return []
    own_fits = len(fits(numbers, own))
    others = db.session.execute(
        select(Assignment.id, Assignment.variant_numbers)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.exercise_slug == assignment.exercise_slug,
            Assignment.id != assignment.id,
            Assignment.variant_numbers.is_not(None),
            Assignment.variant_seed != assignment.variant_seed,
            Application.candidate_id != assignment.application.candidate_id,
        )
    ).all()
    found = []
    for other_id, expected in others:
        matched = fits(numbers, expected or {})
        if len(matched) >= MIN_FITS and len(matched) > own_fits:
            for entry in matched:
                entry["own"] = own.get(entry["name"])
            found.append((len(matched), other_id, matched))
    found.sort(key=lambda item: (-item[0], item[1]))
    flags = [
        VariantNumbersFlag(submission_id=submission.id, other_assignment_id=other_id, matched=m)
        for _, other_id, m in found[:KEPT]
    ]
    db.session.add_all(flags)
    db.session.flush()
    return flags


def erase_flags(submission_ids, assignment_ids) -> None:
    """Erasure: the flags of these submissions and those pointing at these assignments (selects
    or lists of ids), like the similarity matches of either side."""
    db.session.execute(
        delete(VariantNumbersFlag).where(
            VariantNumbersFlag.submission_id.in_(submission_ids)
            | VariantNumbersFlag.other_assignment_id.in_(assignment_ids)
        )
    )

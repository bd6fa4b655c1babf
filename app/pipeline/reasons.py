"""Why applications close: the listed reasons, and the category a stored reason belongs to.

A stored reason is a category, optionally followed by REASON_SEPARATOR and free text
(see operations.compose_reason); the funnel groups drop-off by category.
"""

from __future__ import annotations

from sqlalchemy import case, literal
from sqlalchemy.sql.elements import ColumnElement

REJECTION_REASONS = (
    "Not enough ML depth",
    "Take-home below the bar",
    "Interview performance",
    "Communication",
    "Experience level",
    "Salary expectations",
    "Location or work authorisation",
    "Position filled",
    "Other",
)
WITHDRAWAL_REASONS = (
    "Accepted another offer",
    "Compensation",
    "Role not a fit",
    "Timing or personal",
    "Unresponsive",
    "Other",
)
# Every listed reason once, rejections first (a move's reason is one of these).
LISTED_REASONS = tuple(dict.fromkeys(REJECTION_REASONS + WITHDRAWAL_REASONS))
REASON_SEPARATOR = " — "
OTHER = "Other"
# Longest first, so a category that begins with another one is recognised as itself.
REASON_CATEGORIES = tuple(sorted(LISTED_REASONS, key=len, reverse=True))


def reason_category(reason: str) -> str:
    """The listed category a stored reason starts with, or "Other"."""
    for category in REASON_CATEGORIES:
        if reason == category or reason.startswith(category + REASON_SEPARATOR):
            return category
    return OTHER


def reason_category_sql(reason: ColumnElement[str]) -> ColumnElement[str]:
    """reason_category() as a SQL expression (same answers, both backends)."""
    whens = []
    for category in REASON_CATEGORIES:
        whens.append((reason == category, category))
        whens.append((reason.startswith(category + REASON_SEPARATOR, autoescape=True), category))
    return case(*whens, else_=literal(OTHER))

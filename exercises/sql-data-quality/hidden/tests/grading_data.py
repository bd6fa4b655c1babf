"""The databases one grading run uses, built in the test process from seeds drawn for this run.

A fresh seed per run (never the starter's) means an answer typed in as numbers cannot match, and
nothing a candidate learns from one run holds for the next.
"""

from __future__ import annotations

import functools
import secrets

import churn_db
import sql_grading

RUN_SEEDS = tuple(secrets.randbelow(10**9) + 1 for _ in range(2))


@functools.cache
def database(draw: int) -> bytes:
    """The run's database number ``draw`` (with every pitfall of the starter database)."""
    return churn_db.build(RUN_SEEDS[draw])


@functools.cache
def clean_database() -> bytes:
    """A copy that keeps every promise of the brief (no duplicate charges)."""
    return churn_db.build(RUN_SEEDS[0] + 1, duplicates=False)


@functools.cache
def broken_database(defect: str) -> bytes:
    """The clean copy with one broken promise."""
    return churn_db.with_defect(clean_database(), defect, RUN_SEEDS[1] + len(defect))


def constants(notebook) -> dict[str, object]:
    return sql_grading.literal_assignments(notebook)

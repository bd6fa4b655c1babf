"""Red-flag evidence a grading run's hidden tests recorded (sandbox/results.py `RedFlag`).

An overclaimed metric, a mutated input, grader detection, a forged reply: evidence for the
reviewers and the debrief (a weak signal, per the rubric), never points and never shown to the
candidate. Stored with the run by `app.grading.operations.record_result`; erased with it.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RedFlag(db.Model):
    __tablename__ = "grading_red_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("grading_runs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))  # overclaim, input_mutation, ...
    group_id: Mapped[str] = mapped_column(String(200))  # the test group that recorded it
    test_id: Mapped[str] = mapped_column(String(500))  # the hidden test that recorded it
    message: Mapped[str] = mapped_column(Text)

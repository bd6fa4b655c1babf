"""Adverse impact: does a stage, or a score cutoff, select one group at a markedly lower rate?

Groups come from the voluntary self-identification answers (app/reports/self_id.py); the answers
are read here only as counts per group, and only admins and the recruiters an admin allows reach
these reports (observations.may_read_demographic_reports).

- Per stage (the job's progression stages, each but the last): of the applications decided at the
  stage — moved on past it, or Rejected there — the share that moved on (pending and Withdrawn
  applications are not decisions, and are left out).
- Per score cutoff (each exercise version given in the job): of the candidates with a counted run,
  the share scoring at least the cutoff.
- Per group: the selection rate and its ratio to the highest group's rate; below 0.8 fails the
  four-fifths rule of thumb. Fisher's exact test (two-sided) compares the group with the highest
  one: exact whatever the group sizes, so it is the right test for small groups.
- A group of fewer than 5 candidates is suppressed: no count, no rate, left out of comparisons.
  "Prefer not to say" and unanswered are shown (when 5 or more) but never compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import AssessmentApplication, Job, SelfIdentification, StageKind
from app.reports import stats
from app.reports.observations import Scope, load, scope_jobs
from app.reports.self_id import PREFER_NOT_TO_SAY, Question

MIN_GROUP = 5
FOUR_FIFTHS = 0.8
NO_ANSWER = ""
CUTOFFS = (0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class GroupRate:
    key: str
    label: str
    n: int | None  # None when suppressed
    selected: int | None
    compared: bool  # a configured category (not "prefer not to say" / no answer)
    ratio: float | None = None
    p_value: float | None = None
    highest: bool = False

    @property
    def suppressed(self) -> bool:
        return self.n is None

    @property
    def rate(self) -> float | None:
        return self.selected / self.n if self.n and self.selected is not None else None

    @property
    def flagged(self) -> bool:
        return self.ratio is not None and self.ratio < FOUR_FIFTHS


@dataclass(frozen=True)
class Comparison:
    """One selection step (a stage or a cutoff) for one question."""

    step: str
    question: Question
    groups: list[GroupRate]

    @property
    def enough(self) -> bool:
        return sum(1 for g in self.groups if g.compared and not g.suppressed) >= 2


def compare(step: str, question: Question, tallies: dict[str, tuple[int, int]]) -> Comparison:
    """Rates, ratios and tests from {answer key: (decided, selected)} (pure)."""
    shown: list[GroupRate] = []
    options = [*question.categories, *(o for o in question.options if o.key == PREFER_NOT_TO_SAY)]
    labels = [(o.key, o.label, o.key != PREFER_NOT_TO_SAY) for o in options]
    for key, label, compared in [*labels, (NO_ANSWER, "No answer", False)]:
        n, selected = tallies.get(key, (0, 0))
        if n < MIN_GROUP:
            shown.append(GroupRate(key, label, None, None, compared))
        else:
            shown.append(GroupRate(key, label, n, selected, compared))
    candidates = [g for g in shown if g.compared and not g.suppressed]
    if len(candidates) < 2:
        return Comparison(step, question, shown)
    top = max(candidates, key=lambda g: (g.rate or 0.0, g.n or 0))
    result = []
    for g in shown:
        if not g.compared or g.suppressed or not top.rate:
            result.append(g)
            continue
        ratio = (g.rate or 0.0) / top.rate
        p_value = None
        if g is not top:
            assert g.n is not None and g.selected is not None
            assert top.n is not None and top.selected is not None
            p_value = stats.fisher_exact(
                g.selected, g.n - g.selected, top.selected, top.n - top.selected
            )
        result.append(GroupRate(g.key, g.label, g.n, g.selected, True, ratio, p_value, g is top))
    return Comparison(step, question, result)


def answers_of(candidates) -> dict[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    """{candidate id: {question: answer}} of the candidates (a select of ids): the one read of
    the self-identification table, kept inside this aggregate report."""
    answers: dict[int, dict[str, str]] = {}
    for candidate_id, question, answer in db.session.execute(
        select(
            SelfIdentification.candidate_id, SelfIdentification.question, SelfIdentification.answer
        ).where(SelfIdentification.candidate_id.in_(candidates))
    ):
        answers.setdefault(candidate_id, {})[question] = answer
    return answers


def _tallies(
    answers: list[dict[str, str]], question: Question, decided: np.ndarray, selected: np.ndarray
) -> dict[str, tuple[int, int]]:
    """{answer key: (decided, selected)} over the rows (numpy masks, one entry per row)."""
    keys = np.array([a.get(question.key, NO_ANSWER) for a in answers], dtype=object)
    labels, inverse = np.unique(keys.astype(str), return_inverse=True)
    n = np.bincount(inverse, weights=decided, minlength=len(labels))
    chosen = np.bincount(inverse, weights=selected & decided, minlength=len(labels))
    return {str(k): (int(n[i]), int(chosen[i])) for i, k in enumerate(labels)}


def by_stage(job: Job, questions: tuple[Question, ...]) -> list[Comparison]:
    steps = [s for s in job.stages if s.kind in (StageKind.NORMAL, StageKind.HIRED)]
    positions = {s.id: s.position for s in steps}
    rejected_ids = {s.id for s in job.stages if s.kind is StageKind.REJECTED}
    table = AssessmentApplication
    in_job = table.job_id == job.id
    rows = db.session.execute(
        select(table.furthest_stage_id, table.current_stage_id, table.candidate_id).where(in_job)
    ).all()
    furthest = np.array([positions.get(r[0], -1) if r[0] else -1 for r in rows], dtype=np.int64)
    rejected = np.array([r[1] in rejected_ids for r in rows], dtype=bool)
    given = answers_of(select(table.candidate_id).where(in_job))
    answers = [given.get(r[2], {}) for r in rows]
    comparisons = []
    for index, stage in enumerate(steps[:-1]):
        # Decided at the stage: moved on past it, or rejected there (its furthest stage).
        moved_on = furthest > stage.position
        decided = moved_on | ((furthest == stage.position) & rejected)
        step = f"{stage.name} → {steps[index + 1].name}"
        for question in questions:
            comparisons.append(
                compare(step, question, _tallies(answers, question, decided, moved_on))
            )
    return comparisons


def by_cutoff(scope: Scope, questions: tuple[Question, ...]) -> list[Comparison]:
    observed = load(scope)
    table = AssessmentApplication
    given = answers_of(select(table.candidate_id).where(table.job_id.in_(scope_jobs(scope))))
    kept = [(share, given.get(c, {})) for share, c in zip(observed.shares(), observed.candidate_id,
            strict=True) if share is not None]  # fmt: skip
    shares = np.array([share for share, _ in kept], dtype=float)
    answers = [a for _, a in kept]
    everyone = np.ones(len(kept), dtype=bool)
    comparisons = []
    for cutoff in CUTOFFS:
        passed = shares >= cutoff - 1e-9
        for question in questions:
            tallies = _tallies(answers, question, everyone, passed)
            comparisons.append(compare(f"score ≥ {cutoff:.0%}", question, tallies))
    return comparisons

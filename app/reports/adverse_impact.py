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

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, Numeric, cast, func, select, true

from app.extensions import db
from app.models import (
    Application,
    ApplicationStageStats,
    GradingRun,
    Job,
    SelfIdentification,
    Stage,
    StageKind,
)
from app.reports import stats
from app.reports.observations import Scope, observed_runs
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


def _answers(candidate_ids):  # type: ignore[no-untyped-def]
    return (
        select(
            SelfIdentification.candidate_id, SelfIdentification.question, SelfIdentification.answer
        )
        .where(SelfIdentification.candidate_id.in_(candidate_ids))
        .subquery("answers")
    )


def _decision(furthest: int | None, kind: StageKind, position: int) -> tuple[int, int] | None:
    """(decided, selected) at the stage at `position`, for an application whose furthest
    progression stage is at `furthest` and whose current stage is of `kind`."""
    if furthest is None:
        return None
    if furthest > position:
        return (1, 1)
    if furthest == position and kind is StageKind.REJECTED:
        return (1, 0)
    return None


def by_stage(job: Job, questions: tuple[Question, ...]) -> list[Comparison]:
    steps = [s for s in job.stages if s.kind in (StageKind.NORMAL, StageKind.HIRED)]
    positions = {s.id: s.position for s in steps}
    furthest = ApplicationStageStats
    base = (
        select(
            Application.candidate_id,
            furthest.stage_id.label("furthest_id"),
            Stage.kind.label("kind"),
        )
        .join(
            furthest, (furthest.application_id == Application.id) & (furthest.is_furthest == true())
        )
        .join(Stage, Stage.id == Application.stage_id)
        .where(Application.job_id == job.id)
        .subquery("base")
    )
    totals = db.session.execute(
        select(base.c.furthest_id, base.c.kind, func.count()).group_by(
            base.c.furthest_id, base.c.kind
        )
    ).all()
    answers = _answers(select(base.c.candidate_id))
    answered = db.session.execute(
        select(answers.c.question, answers.c.answer, base.c.furthest_id, base.c.kind, func.count())
        .join(answers, answers.c.candidate_id == base.c.candidate_id)
        .group_by(answers.c.question, answers.c.answer, base.c.furthest_id, base.c.kind)
    ).all()
    comparisons = []
    for index, stage in enumerate(steps[:-1]):
        following = steps[index + 1]

        for question in questions:
            tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for furthest_id, kind, count in totals:
                outcome = _decision(positions.get(furthest_id), kind, stage.position)
                if outcome:
                    tallies[NO_ANSWER][0] += outcome[0] * count
                    tallies[NO_ANSWER][1] += outcome[1] * count
            for q, answer, furthest_id, kind, count in answered:
                outcome = _decision(positions.get(furthest_id), kind, stage.position)
                if q != question.key or not outcome:
                    continue
                for key, sign in ((answer, 1), (NO_ANSWER, -1)):
                    tallies[key][0] += sign * outcome[0] * count
                    tallies[key][1] += sign * outcome[1] * count
            step = f"{stage.name} → {following.name}"
            comparisons.append(
                compare(step, question, {k: (v[0], v[1]) for k, v in tallies.items()})
            )
    return comparisons


def by_cutoff(scope: Scope, questions: tuple[Question, ...]) -> list[Comparison]:
    runs = observed_runs(scope)
    share = func.round(
        cast(GradingRun.score / func.nullif(GradingRun.max_score, 0), Numeric(10, 6)), 3
    )
    scored = (
        select(Application.candidate_id, share.label("share"))
        .select_from(runs)
        .join(GradingRun, GradingRun.id == runs.c.run_id)
        .join(Application, Application.id == runs.c.application_id)
        .where(GradingRun.score.is_not(None))
        .subquery("scored")
    )
    totals = db.session.execute(
        select(cast(scored.c.share, Float), func.count()).group_by(scored.c.share)
    ).all()
    answers = _answers(select(scored.c.candidate_id))
    answered = db.session.execute(
        select(answers.c.question, answers.c.answer, cast(scored.c.share, Float), func.count())
        .join(answers, answers.c.candidate_id == scored.c.candidate_id)
        .group_by(answers.c.question, answers.c.answer, scored.c.share)
    ).all()
    comparisons = []
    for cutoff in CUTOFFS:
        for question in questions:
            tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for value, count in totals:
                tallies[NO_ANSWER][0] += count
                tallies[NO_ANSWER][1] += count * (float(value or 0) >= cutoff - 1e-9)
            for q, answer, value, count in answered:
                if q != question.key:
                    continue
                passed = count * (float(value or 0) >= cutoff - 1e-9)
                tallies[answer][0] += count
                tallies[answer][1] += passed
                tallies[NO_ANSWER][0] -= count
                tallies[NO_ANSWER][1] -= passed
            comparisons.append(
                compare(
                    f"score ≥ {cutoff:.0%}", question, {k: (v[0], v[1]) for k, v in tallies.items()}
                )
            )
    return comparisons

"""Predictive check: does the auto-score separate candidates by what happened to them later?

Per exercise version, over its counted runs (observations.py), the ROC AUC of the run's total
share for two outcomes, each with a 95% DeLong interval:
- advanced past the next stage: among the applications that reached the stage after the one
  they took the exercise in, those that went on beyond it (yes) against those rejected there
  (no). Candidates rejected on the score itself never reach that stage, so this asks whether the
  score predicts what the *next* assessors decide, not whether it was obeyed;
- hired: Hired (yes) against Rejected anywhere (no); this one includes rejections made on the
  score, so it is flattered by them.
Applications still open or Withdrawn (the candidate's choice) have no outcome and are left
out (counted as undecided).
0.5 means no separation, 1 perfect. Below MIN_EACH candidates of either outcome: not enough data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, Numeric, and_, case, cast, func, null, select, true
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Application,
    ApplicationStageStats,
    GradingRun,
    Stage,
    StageKind,
)
from app.reports import stats
from app.reports.observations import Scope, observed_runs

MIN_EACH = 5
PROGRESSION = (StageKind.NORMAL, StageKind.HIRED)


@dataclass(frozen=True)
class Outcome:
    name: str
    positives: int
    negatives: int
    undecided: int
    auc: stats.Estimate
    mean_positive: float | None
    mean_negative: float | None


def _next_progression_position(stage_ids: list[int]) -> dict[int, int]:
    """{stage id: position of the next progression stage of its job}."""
    later = aliased(Stage)
    rows = db.session.execute(
        select(Stage.id, func.min(later.position))
        .join(later, (later.job_id == Stage.job_id) & (later.position > Stage.position))
        .where(Stage.id.in_(stage_ids), later.kind.in_(PROGRESSION))
        .group_by(Stage.id)
    )
    return {stage_id: position for stage_id, position in rows}


def prediction(scope: Scope) -> list[Outcome]:
    runs = observed_runs(scope)
    stage_ids = list(db.session.scalars(select(runs.c.stage_id).distinct()))
    next_position = _next_progression_position([s for s in stage_ids if s is not None])
    furthest_stage, current_stage = aliased(Stage), aliased(Stage)
    stats_row = ApplicationStageStats
    rejected = current_stage.kind == StageKind.REJECTED
    advanced = null()
    if next_position:  # else no counted run has a known exercise stage: no outcome is known
        next_pos = case(next_position, value=runs.c.stage_id, else_=null())
        advanced = case(
            (and_(next_pos.is_not(None), furthest_stage.position > next_pos), 1),
            (and_(next_pos.is_not(None), furthest_stage.position == next_pos, rejected), 0),
            else_=null(),
        )
    hired = case((current_stage.kind == StageKind.HIRED, 1), (rejected, 0), else_=null())
    share = func.round(
        cast(GradingRun.score / func.nullif(GradingRun.max_score, 0), Numeric(10, 6)), 3
    )
    labelled = (
        select(advanced.label("advanced"), hired.label("hired"), share.label("share"))
        .select_from(runs)
        .join(GradingRun, GradingRun.id == runs.c.run_id)
        .join(Application, Application.id == runs.c.application_id)
        .join(current_stage, current_stage.id == Application.stage_id)
        .join(
            stats_row,
            (stats_row.application_id == runs.c.application_id) & (stats_row.is_furthest == true()),
            isouter=True,
        )
        .join(furthest_stage, furthest_stage.id == stats_row.stage_id, isouter=True)
        .where(GradingRun.score.is_not(None))
        .subquery("labelled")
    )
    rows = db.session.execute(
        select(
            labelled.c.advanced, labelled.c.hired, cast(labelled.c.share, Float), func.count()
        ).group_by(labelled.c.advanced, labelled.c.hired, labelled.c.share)
    ).all()
    tallies: dict[str, dict[int | None, dict[float, int]]] = {
        "advanced": defaultdict(lambda: defaultdict(int)),
        "hired": defaultdict(lambda: defaultdict(int)),
    }
    for advanced_label, hired_label, share_value, count in rows:
        score = float(share_value or 0.0)
        tallies["advanced"][advanced_label][score] += count
        tallies["hired"][hired_label][score] += count
    names = {"advanced": "Advanced past the next stage", "hired": "Hired"}
    return [outcome(names[key], tallies[key]) for key in ("advanced", "hired")]


def outcome(name: str, labelled: dict[int | None, dict[float, int]]) -> Outcome:
    """AUC and means of {1: {score: count}, 0: {...}, None: {...}} (pure)."""
    positives, negatives = dict(labelled.get(1, {})), dict(labelled.get(0, {}))
    n1, n0 = sum(positives.values()), sum(negatives.values())

    def mean(scores: dict[float, int]) -> float | None:
        total = sum(scores.values())
        return sum(s * c for s, c in scores.items()) / total if total else None

    return Outcome(
        name,
        n1,
        n0,
        sum(labelled.get(None, {}).values()),
        stats.auc_estimate(positives, negatives, MIN_EACH),
        mean(positives),
        mean(negatives),
    )

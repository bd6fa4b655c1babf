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

from app.models import StageKind
from app.reports import stats
from app.reports.observations import Scope, load, scope_jobs, stages_of

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


def next_progression_position(stages: dict[int, tuple[int, int, StageKind]]) -> dict[int, int]:
    """{stage id: position of the next progression stage of its job}."""
    following: dict[int, int] = {}
    for stage_id, (job_id, position, _) in stages.items():
        later = [p for j, p, kind in stages.values()
                 if j == job_id and p > position and kind in PROGRESSION]  # fmt: skip
        if later:
            following[stage_id] = min(later)
    return following


def prediction(scope: Scope) -> list[Outcome]:
    observed = load(scope)
    stages = stages_of(scope_jobs(scope))
    next_position = next_progression_position(stages)
    tallies: dict[str, dict[int | None, dict[float, int]]] = {
        "advanced": defaultdict(lambda: defaultdict(int)),
        "hired": defaultdict(lambda: defaultdict(int)),
    }
    rows = zip(observed.shares(), observed.stage_id, observed.furthest_stage_id,
               observed.current_stage_id, strict=True)  # fmt: skip
    for share, stage_id, furthest_id, current_id in rows:
        if share is None:
            continue
        current = stages.get(current_id) if current_id is not None else None
        kind = current[2] if current else None
        furthest = stages.get(furthest_id) if furthest_id is not None else None
        following = next_position.get(stage_id) if stage_id is not None else None
        advanced = None
        if following is not None and furthest is not None:
            if furthest[1] > following:
                advanced = 1
            elif furthest[1] == following and kind is StageKind.REJECTED:
                advanced = 0
        hired = {StageKind.HIRED: 1, StageKind.REJECTED: 0}.get(kind) if kind else None
        tallies["advanced"][advanced][share] += 1
        tallies["hired"][hired][share] += 1
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

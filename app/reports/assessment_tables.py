"""The assessment reports as CSV tables and chart data (what the pages show, in columns)."""

from __future__ import annotations

from typing import Any

from app.reports import stats
from app.reports.adverse_impact import Comparison
from app.reports.agreement import DimensionAgreement
from app.reports.item_analysis import ItemAnalysis
from app.reports.prediction import Outcome


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _estimate(estimate: stats.Estimate) -> list[Any]:
    if not estimate.enough:
        return [estimate.n, estimate.missing, None, None]
    return [estimate.n, _r(estimate.value), _r(estimate.low), _r(estimate.high)]


def items_table(report: ItemAnalysis) -> tuple[list[str], list[list[Any]]]:
    header = [
        "group",
        "title",
        "dimension",
        "max_points",
        "n",
        "difficulty",
        "discrimination",
        "full_points",
        "partial",
        "zero",
        "flag",
    ]
    rows = [
        [
            row.group.id,
            row.group.title,
            row.group.dimension,
            row.group.max_score,
            row.n,
            _r(row.difficulty.value) if row.difficulty.enough else row.difficulty.missing,
            _r(row.discrimination.value)
            if row.discrimination.enough
            else row.discrimination.missing,
            row.full,
            row.partial,
            row.zero,
            row.non_informative or "",
        ]
        for row in report.items
    ]
    rows.append(["(total)", "Cronbach's alpha", "", report.max_score, *_alpha(report)])
    return header, rows


def _alpha(report: ItemAnalysis) -> list[Any]:
    n, value, low, high = _estimate(report.alpha)
    interval = f"95% bootstrap interval {low} to {high}" if low is not None else ""
    return [n, value, "", "", "", "", interval]


def agreement_table(rows: list[DimensionAgreement]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "dimension",
        "title",
        "pairs",
        "applications",
        "spearman",
        "weighted_kappa",
        "mean_evidence_share",
        "mean_interviewer_level",
    ]
    return header, [
        [
            row.dimension,
            row.title,
            row.pairs,
            row.applications,
            _r(row.spearman.value) if row.spearman.enough else row.spearman.missing,
            _r(row.kappa.value) if row.kappa.enough else row.kappa.missing,
            _r(row.mean_evidence),
            _r(row.mean_level),
        ]
        for row in rows
    ]


def prediction_table(rows: list[Outcome]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "outcome",
        "positives",
        "negatives",
        "undecided",
        "n",
        "auc",
        "auc_low",
        "auc_high",
        "mean_share_positive",
        "mean_share_negative",
    ]
    return header, [
        [
            row.name,
            row.positives,
            row.negatives,
            row.undecided,
            *_estimate(row.auc),
            _r(row.mean_positive),
            _r(row.mean_negative),
        ]
        for row in rows
    ]


def comparisons_table(rows: list[Comparison]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "step",
        "question",
        "group",
        "n",
        "selected",
        "selection_rate",
        "ratio_to_highest",
        "below_four_fifths",
        "fisher_p_vs_highest",
    ]
    out = []
    for comparison in rows:
        for g in comparison.groups:
            if g.suppressed:
                out.append([comparison.step, comparison.question.label, g.label,
                            "fewer than 5", None, None, None, None, None])  # fmt: skip
                continue
            out.append(
                [
                    comparison.step,
                    comparison.question.label,
                    g.label,
                    g.n,
                    g.selected,
                    _r(g.rate),
                    _r(g.ratio),
                    ("yes" if g.flagged else "no") if g.ratio else None,
                    _r(g.p_value, 4),
                ]
            )
    return header, out


def item_chart(report: ItemAnalysis) -> dict[str, Any]:
    return {
        "groups": [row.group.title for row in report.items],
        "difficulty": [_r(row.difficulty.value) for row in report.items],
        "discrimination": [_r(row.discrimination.value) for row in report.items],
        "histogram": {
            "labels": [f"{10 * i}-{10 * (i + 1)}%" for i in range(len(report.histogram))],
            "counts": report.histogram,
        },
    }


def impact_chart(rows: list[Comparison]) -> dict[str, Any]:
    """Selection rates by step for each question's compared groups (suppressed: no bar)."""
    charts: dict[str, dict[str, Any]] = {}
    for comparison in rows:
        chart = charts.setdefault(
            comparison.question.key,
            {"title": comparison.question.label, "steps": [], "groups": {}},
        )
        chart["steps"].append(comparison.step)
        for g in comparison.groups:
            if g.compared:
                chart["groups"].setdefault(g.label, []).append(_r(g.rate))
    return {"charts": list(charts.values())}

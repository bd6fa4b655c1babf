"""Prometheus metrics computed from the database at scrape time, so every gunicorn worker (and
every machine) answers the same numbers without prometheus_client's multiprocess mode."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from app.models import now_utc
from app.outbox import queries


class GradingCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        status = queries.queue_status(now_utc())
        runs = GaugeMetricFamily(
            "hirelab_grading_runs",
            "Grading runs by status (queued = queue depth).",
            labels=["status"],
        )
        for name in ("queued", "running", "graded", "failed"):
            runs.add_metric([name], status.runs_by_status.get(name, 0))
        yield runs
        yield GaugeMetricFamily(
            "hirelab_grading_queue_depth", "Runs waiting for a worker.", value=status.queued
        )
        yield GaugeMetricFamily(
            "hirelab_grading_oldest_queued_seconds",
            "Age of the oldest queued run (0: none queued).",
            value=status.oldest_queued_s or 0.0,
        )
        outcomes = CounterMetricFamily(
            "hirelab_grading_outcomes", "Finished runs by status and verdict.",
            labels=["status", "verdict"],
        )
        for (run_status, verdict), count in sorted(queries.outcomes().items()):
            outcomes.add_metric([run_status, verdict], count)
        yield outcomes
        buckets, total_s, _count = queries.duration_histogram()
        histogram = HistogramMetricFamily(
            "hirelab_grading_duration_seconds", "Sandbox time of graded runs."
        )
        histogram.add_metric([], buckets, total_s)
        yield histogram
        backlog = GaugeMetricFamily(
            "hirelab_outbox_backlog", "Side effects not done yet, by kind.", labels=["kind"]
        )
        for kind, count in sorted(status.outbox_backlog.items()):
            backlog.add_metric([kind], count)
        yield backlog
        yield GaugeMetricFamily(
            "hirelab_outbox_lag_seconds",
            "How long the most overdue pending side effect has been due.",
            value=status.outbox_lag_s,
        )


def render() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(GradingCollector())
    return generate_latest(registry)

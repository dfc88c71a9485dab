"""Prometheus metrics (text format at ``/metrics``), summed over every ``--workers`` process.

The counters and histograms are prometheus-client's; with ``PROMETHEUS_MULTIPROC_DIR`` set (as
``littlegiant serve`` sets it) each process writes them to its own files there and a scrape
adds them up, whichever process answers it. What describes the store rather than the traffic
(its size, its generation, the commits every writer made, recorded by the store itself since
ingest runs in other processes) is read from the store at scrape time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OUTCOMES = ("ok", "timeout", "rejected", "error", "limited")

HTTP_REQUESTS = Counter("lg_http_requests", "HTTP requests answered", ["route", "method", "status"])
HTTP_DURATION = Histogram(
    "lg_http_request_duration_seconds", "Time to answer an HTTP request", ["route"]
)
SPARQL_QUERIES = Counter("lg_sparql_queries", "SPARQL queries by outcome", ["outcome"])
SPARQL_DURATION = Histogram(
    "lg_sparql_query_duration_seconds",
    "Time the engine spent on a SPARQL query",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
WORKER_RESTARTS = Counter("lg_sparql_worker_restarts", "Query worker processes restarted")


@dataclass(frozen=True)
class StoreFigures:
    """What the store says of itself at scrape time."""

    quads: int
    generation: str
    commits: dict[str, int]


class _StoreCollector(Collector):
    def __init__(self, figures: Callable[[], StoreFigures]) -> None:
        self._figures = figures

    def collect(self) -> Iterator[Metric]:
        figures = self._figures()
        quads = GaugeMetricFamily("lg_store_quads", "Quads in the store's named graphs")
        quads.add_metric([], figures.quads)
        info = GaugeMetricFamily(
            "lg_store_generation_info", "The store's published generation", labels=["generation"]
        )
        info.add_metric([figures.generation], 1)
        commits = CounterMetricFamily(
            "lg_ingest_commits", "Commits by every writer of the store", labels=["outcome"]
        )
        for outcome, n in sorted(figures.commits.items()):
            commits.add_metric([outcome], n)
        yield from (quads, info, commits)


def exposition(figures: Callable[[], StoreFigures]) -> bytes:
    """The metrics in Prometheus text format: this process's (or all processes') and the store's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        traffic = generate_latest(registry)
    else:
        traffic = generate_latest(REGISTRY)
    store_registry = CollectorRegistry()
    store_registry.register(_StoreCollector(figures))
    return traffic + generate_latest(store_registry)


def record_query(outcome: str, seconds: float | None) -> None:
    """Count one SPARQL query by outcome (and its engine time when it ran)."""
    SPARQL_QUERIES.labels(outcome).inc()
    if seconds is not None:
        SPARQL_DURATION.observe(seconds)

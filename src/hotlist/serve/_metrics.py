"""Prometheus metrics of the service (``GET /metrics``), in their own registry.

=====================================  ===========================================
``hotlist_check_seconds{kind}``        latency of one check (histogram); kind is
                                       document, mrz, vehicle, person, mixed or batch
``hotlist_checks_total{kind}``         checks answered (check-many: one per row)
``hotlist_hits_total{dataset,severity}``  hits returned
``hotlist_alarms_total{dataset}``      hits at alarm severity
``hotlist_refused_total{reason}``      requests refused: unauthenticated, forbidden,
                                       rate_limited, too_large, invalid, unavailable,
                                       timeout, not_found, error
``hotlist_data_age_seconds``           age of the data served
``hotlist_data_info{data_version}``    1 for the version served
``hotlist_records{dataset}``           records loaded
``hotlist_ready``                      1 when /readyz says ready
``hotlist_reloads_total{outcome}``     reloads: ok or failed
``hotlist_last_reload_ok``             1 when the last reload succeeded (or none was tried)
=====================================  ===========================================
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, exposition, generate_latest
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "KINDS", "Metrics"]

CONTENT_TYPE = exposition.CONTENT_TYPE_LATEST
KINDS = ("document", "mrz", "vehicle", "person", "mixed", "batch")
REFUSALS = (
    "unauthenticated",
    "forbidden",
    "rate_limited",
    "too_large",
    "invalid",
    "unavailable",
    "timeout",
    "not_found",
    "error",
)
# Microseconds to seconds: a document check answers in tens of microseconds, a
# person check in milliseconds, a batch in seconds.
BUCKETS = (
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5, 10.0,
)  # fmt: skip


def _counter(
    name: str, doc: str, labels: list[str], counts: Iterable[tuple[tuple[str, ...], int]]
) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=labels)
    for values, n in counts:
        family.add_metric(list(values), n)
    return family


class _PerCheck(Collector):
    """What every check counts (latency by kind, checks, hits, alarms), kept as plain
    numbers and turned into metric families only when ``/metrics`` is read: a
    prometheus_client child costs a lock and a microsecond or two per update, a
    dict entry a tenth of that.  Updated and read on the event loop only."""

    def __init__(self) -> None:
        self.buckets: dict[str, list[int]] = {}  # kind -> count per bucket (last: +Inf)
        self.sums: dict[str, float] = {}
        self.checks: dict[str, int] = {}
        self.hits: dict[tuple[str, str], int] = {}
        self.alarms: dict[str, int] = {}
        for kind in KINDS:
            self.add_kind(kind)

    def add_kind(self, kind: str) -> None:
        self.buckets[kind] = [0] * (len(BUCKETS) + 1)
        self.sums[kind] = 0.0
        self.checks[kind] = 0

    def collect(self) -> Iterator[Metric]:
        latency = HistogramMetricFamily(
            "hotlist_check_seconds",
            "Latency of one check request, by kind of query",
            labels=["kind"],
        )
        for kind, counts in self.buckets.items():
            running = 0
            cumulative = []
            for bound, n in zip((*map(str, BUCKETS), "+Inf"), counts, strict=True):
                running += n
                cumulative.append((bound, running))
            latency.add_metric([kind], cumulative, self.sums[kind])
        yield latency
        yield _counter(
            "hotlist_checks",
            "Checks answered (check-many: one per row)",
            ["kind"],
            (((k,), n) for k, n in self.checks.items()),
        )
        yield _counter(
            "hotlist_hits",
            "Hits returned, by dataset and severity",
            ["dataset", "severity"],
            self.hits.items(),
        )
        alarms = (((d,), n) for d, n in self.alarms.items())
        yield _counter("hotlist_alarms", "Hits at alarm severity, by dataset", ["dataset"], alarms)


class Metrics:
    """The service's metrics: per-check counts in :class:`_PerCheck`, the rest as
    prometheus_client metrics with the children for fixed labels bound once."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._per_check = _PerCheck()
        r.register(self._per_check)
        self._refused = Counter(
            "hotlist_refused", "Requests refused, by reason", ["reason"], registry=r
        )
        self.data_age = Gauge("hotlist_data_age_seconds", "Age of the data served", registry=r)
        self._info = Gauge(
            "hotlist_data_info", "The data version served (value 1)", ["data_version"], registry=r
        )
        self._records = Gauge("hotlist_records", "Records loaded", ["dataset"], registry=r)
        self.ready = Gauge("hotlist_ready", "1 when /readyz says ready", registry=r)
        self._reloads = Counter("hotlist_reloads", "Reloads, by outcome", ["outcome"], registry=r)
        self.last_reload_ok = Gauge(
            "hotlist_last_reload_ok", "1 when the last reload succeeded", registry=r
        )
        self.last_reload_ok.set(1)
        self.refused = {k: self._refused.labels(k) for k in REFUSALS}
        for k in REFUSALS:
            self.refused[k].inc(0)
        for outcome in ("ok", "failed"):
            self._reloads.labels(outcome)
        self._version = ""

    def checked(self, kind: str, seconds: float, count: int = 1) -> None:
        """``count`` checks of ``kind`` answered in ``seconds`` (one request)."""
        per = self._per_check
        counts = per.buckets.get(kind)
        if counts is None:  # a kind registered at run time
            per.add_kind(kind)
            counts = per.buckets[kind]
        counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        per.sums[kind] += seconds
        per.checks[kind] += count

    def hit(self, dataset: str, severity: str) -> None:
        hits = self._per_check.hits
        key = (dataset, severity)
        hits[key] = hits.get(key, 0) + 1
        if severity == "alarm":
            alarms = self._per_check.alarms
            alarms[dataset] = alarms.get(dataset, 0) + 1

    def reload(self, ok: bool) -> None:
        self._reloads.labels("ok" if ok else "failed").inc()
        self.last_reload_ok.set(1 if ok else 0)

    def data(self, version: str, counts: dict[str, int], age: Callable[[], float]) -> None:
        """Point the data gauges at the version now served."""
        if self._version:
            self._info.remove(self._version)
        self._version = version
        self._info.labels(version).set(1)
        for dataset, n in counts.items():
            self._records.labels(dataset).set(n)
        self.data_age.set_function(age)

    def render(self) -> bytes:
        return generate_latest(self.registry)

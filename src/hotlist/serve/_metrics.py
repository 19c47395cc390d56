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

from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    exposition,
    generate_latest,
)

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


class Metrics:
    """The service's metrics; children for the fixed labels are bound once."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._latency = Histogram(
            "hotlist_check_seconds",
            "Latency of one check request, by kind of query",
            ["kind"],
            buckets=BUCKETS,
            registry=r,
        )
        self._checks = Counter(
            "hotlist_checks", "Checks answered (check-many: one per row)", ["kind"], registry=r
        )
        self._hits = Counter(
            "hotlist_hits", "Hits returned, by dataset and severity", ["dataset", "severity"],
            registry=r,
        )  # fmt: skip
        self._alarms = Counter(
            "hotlist_alarms", "Hits at alarm severity, by dataset", ["dataset"], registry=r
        )
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
        self.latency = {k: self._latency.labels(k) for k in KINDS}
        self.checks = {k: self._checks.labels(k) for k in KINDS}
        self.refused = {k: self._refused.labels(k) for k in REFUSALS}
        for k in REFUSALS:
            self.refused[k].inc(0)
        for outcome in ("ok", "failed"):
            self._reloads.labels(outcome)
        self._hit_children: dict[tuple[str, str], Any] = {}
        self._alarm_children: dict[str, Any] = {}
        self._version = ""

    def checked(self, kind: str, seconds: float) -> None:
        """One check of ``kind`` answered in ``seconds`` (a registered kind gets its label)."""
        latency = self.latency.get(kind)
        if latency is None:
            latency = self.latency[kind] = self._latency.labels(kind)
            self.checks[kind] = self._checks.labels(kind)
        latency.observe(seconds)
        self.checks[kind].inc()

    def hit(self, dataset: str, severity: str) -> None:
        key = (dataset, severity)
        child = self._hit_children.get(key)
        if child is None:
            child = self._hit_children[key] = self._hits.labels(dataset, severity)
        child.inc()
        if severity == "alarm":
            alarm = self._alarm_children.get(dataset)
            if alarm is None:
                alarm = self._alarm_children[dataset] = self._alarms.labels(dataset)
            alarm.inc()

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

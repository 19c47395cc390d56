"""Glue between the measurements in :mod:`bench_cases` and pytest-benchmark."""

from __future__ import annotations

from typing import Any

from bench_cases import Bench


def record_pytest_benchmark(
    bench: Bench, benchmark: Any, section: str, case: str, name: str
) -> None:
    """Copy pytest-benchmark's statistics (seconds) into the results, in microseconds."""
    meta = getattr(benchmark, "stats", None)
    stats = getattr(meta, "stats", None)
    if stats is None or not getattr(stats, "rounds", 0):
        return
    bench.results.record(
        section,
        case,
        {
            name: {
                "pytest_benchmark": {
                    "rounds": stats.rounds,
                    "min_us": round(stats.min * 1e6, 3),
                    "median_us": round(stats.median * 1e6, 3),
                    "mean_us": round(stats.mean * 1e6, 3),
                    "iqr_us": round(stats.iqr * 1e6, 3),
                    "ops": round(stats.ops, 1),
                }
            }
        },
    )


def run_latency_case(bench: Bench, benchmark: Any, case: str, name: str) -> dict[str, Any]:
    """Our per-call percentiles, then pytest-benchmark's own rounds over the same mix."""
    res = bench.run_latency(case, name)
    impl = bench.impl(case, name)
    queries = impl.queries
    # pytest-benchmark: one query per round, at most ~a quarter of the budget
    per_call_s = max(res.get("mean_us", 1.0), 0.1) / 1e6
    budget = (impl.budget_s or bench.config.budget_s) / 4
    rounds = max(5, min(len(queries), 5_000, int(budget / per_call_s)))
    it = iter(queries * (1 + rounds // max(1, len(queries))))
    benchmark.group = case
    benchmark.name = name
    benchmark.pedantic(impl.call, setup=lambda: ((next(it),), {}), rounds=rounds, iterations=1)
    record_pytest_benchmark(bench, benchmark, "latency", case, name)
    return res

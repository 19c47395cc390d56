"""check_many over a manifest of document queries vs a DuckDB hash join and a dict loop."""

from __future__ import annotations

from typing import Any

import pytest

from bench_cases import BATCH_NOTES, Bench
from bench_pytest import record_pytest_benchmark


@pytest.mark.parametrize("name", list(BATCH_NOTES))
def test_batch(bench: Bench, benchmark: Any, name: str) -> None:
    res = bench.run_batch(name, rounds=3)
    assert res["checks_per_s"] > 0
    queries = bench.batch_queries
    if name == "hotlist_tolerant":
        queries = queries.slice(0, min(queries.num_rows, 2_000))
    run = bench._batch_runner(name, queries)
    benchmark.group = "documents.batch"
    benchmark.pedantic(run, rounds=2, iterations=1)
    record_pytest_benchmark(bench, benchmark, "batch", "documents", name)

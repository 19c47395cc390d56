"""Document checks: exact (vs dict, SQLite, DuckDB) and tolerant (vs a rapidfuzz scan)."""

from __future__ import annotations

from typing import Any

import pytest

from bench_cases import CASES, Bench
from bench_pytest import run_latency_case


@pytest.mark.parametrize("name", CASES["documents.exact"])
def test_exact(bench: Bench, benchmark: Any, name: str) -> None:
    res = run_latency_case(bench, benchmark, "documents.exact", name)
    assert res["n"] > 0


@pytest.mark.parametrize("name", CASES["documents.tolerant_miss"])
def test_tolerant_miss(bench: Bench, benchmark: Any, name: str) -> None:
    res = run_latency_case(bench, benchmark, "documents.tolerant_miss", name)
    assert res["n"] > 0


@pytest.mark.parametrize("name", CASES["documents.fuzzy"])
def test_fuzzy(bench: Bench, benchmark: Any, name: str) -> None:
    res = run_latency_case(bench, benchmark, "documents.fuzzy", name)
    assert res["n"] > 0


def test_throughput_exact(bench: Bench) -> None:
    out = bench.run_throughput("documents.exact")
    assert all(v > 0 for v in out.values())


def test_throughput_tolerant(bench: Bench) -> None:
    out = bench.run_throughput("documents.tolerant_miss")
    assert all(v > 0 for v in out.values())

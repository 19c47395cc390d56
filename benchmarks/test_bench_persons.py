"""Person checks vs a rapidfuzz scan over every name; recall vs a full scan with our scorer."""

from __future__ import annotations

from typing import Any

import pytest

from bench_cases import CASES, Bench
from bench_pytest import run_latency_case


@pytest.mark.parametrize("name", CASES["persons.mixed"])
def test_persons(bench: Bench, benchmark: Any, name: str) -> None:
    res = run_latency_case(bench, benchmark, "persons.mixed", name)
    assert res["n"] > 0


def test_throughput_persons(bench: Bench) -> None:
    out = bench.run_throughput("persons.mixed")
    assert all(v > 0 for v in out.values())


def test_recall(bench: Bench) -> None:
    res = bench.run_recall()
    assert res["queries"] > 0

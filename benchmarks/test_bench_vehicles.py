"""Vehicle checks: VINs (full and last 7) and plates, vs plain dicts."""

from __future__ import annotations

from typing import Any

import pytest

from bench_cases import CASES, Bench
from bench_pytest import run_latency_case


@pytest.mark.parametrize("name", CASES["vehicles.mixed"])
def test_vehicles(bench: Bench, benchmark: Any, name: str) -> None:
    res = run_latency_case(bench, benchmark, "vehicles.mixed", name)
    assert res["n"] > 0

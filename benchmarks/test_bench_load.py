"""hotlist.load() of a documents extract: Parquet and CSV, records per second."""

from __future__ import annotations

import pytest

from bench_cases import Bench


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_load(bench: Bench, fmt: str) -> None:
    res = bench.run_load(fmt)
    assert res["records"] == bench.config.documents

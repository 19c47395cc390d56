"""Memory per record (RSS growth in a fresh process, and hl.stats() bytes) and time to
first answer (process start -> import -> load -> first check)."""

from __future__ import annotations

import pytest

from bench_cases import Bench


@pytest.mark.parametrize("mode", ["hotlist", "dict", "sqlite"])
def test_memory(bench: Bench, mode: str) -> None:
    res = bench.run_child(mode)
    assert res["records"] == bench.config.documents

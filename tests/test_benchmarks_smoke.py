"""Every benchmark in benchmarks/ runs at a tiny scale and says something sane.

No timing is asserted here (STYLE.md point 10: numbers belong in benchmarks/);
only that each measurement runs, counts what it should and that the report
renders.  The real runs: ``python -m pytest benchmarks --benchmark-enable``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sys.path.insert(0, str(BENCH_DIR))
    try:
        from bench_cases import Bench, Config

        config = Config(
            documents=2_000,
            vehicles=2_000,
            persons=1_000,
            queries=300,
            person_queries=40,
            budget_s=0.3,
            threads=(1, 2),
            throughput_s=0.1,
            batch=2_000,
            recall_queries=3,
            cache_dir=tmp_path_factory.mktemp("bench-data"),
            command="smoke",
        )
        yield Bench(config)
    finally:
        sys.path.remove(str(BENCH_DIR))


def _sane_latency(res: dict[str, Any]) -> None:
    assert res["n"] > 0
    assert 0 < res["p50_us"] <= res["p99_us"] <= res["p999_us"] <= res["max_us"]
    assert sum(res["outcomes"].values()) == res["n"]


def test_latency_cases(bench: Any) -> None:
    from bench_cases import CASES

    for case, impls in CASES.items():
        for name in impls:
            _sane_latency(bench.run_latency(case, name))
    lat = bench.results.sections["latency"]
    # the same keys, so hotlist finds at least what the dict finds (it also finds
    # OCR look-alikes and the number under another issuer)
    ours = lat["documents.exact"]["hotlist"]["outcomes"]
    for alt in ("dict", "sqlite", "duckdb"):
        theirs = lat["documents.exact"][alt]["outcomes"]
        assert ours.get("hit", 0) >= theirs.get("hit", 0) >= 1
    # every fuzzy query comes from a listed number one OCR slip or one edit away
    fuzzy = lat["documents.fuzzy"]["hotlist"]["outcomes"]
    assert not any(k.endswith(":missed") for k in fuzzy), fuzzy
    assert any(k.startswith("innocent:") for k in lat["persons.mixed"]["hotlist"]["outcomes"])


def test_throughput(bench: Any) -> None:
    out = bench.run_throughput("documents.exact")
    assert set(out) == {"1", "2"}
    assert all(v > 0 for v in out.values())


def test_batch(bench: Any) -> None:
    from bench_cases import BATCH_NOTES

    hits = {name: bench.run_batch(name)["hits"] for name in BATCH_NOTES}
    assert hits["duckdb_join"] == hits["dict_loop"] >= 1
    assert hits["hotlist"] >= hits["dict_loop"]


def test_recall(bench: Any) -> None:
    res = bench.run_recall()
    assert res["queries"] >= 3
    assert res["scan_hits"] >= res["hotlist_found"]
    if res["scan_hits"]:
        assert 0.0 <= res["hotlist_recall"] <= 1.0


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_load(bench: Any, fmt: str) -> None:
    res = bench.run_load(fmt)
    assert res["records"] == res["read"] == 2_000
    assert res["records_per_s"] > 0


@pytest.mark.parametrize("mode", ["hotlist", "dict", "sqlite"])
def test_memory_and_first_answer(bench: Any, mode: str) -> None:
    res = bench.run_child(mode)
    assert res["records"] == 2_000
    assert res["rss_growth_bytes"] >= 0
    if mode == "hotlist":
        assert res["stats_bytes_per_record"] > 0
        assert res["ttfa_seconds"] > res["phases_s"]["load"] > 0


def test_report_renders(bench: Any) -> None:
    import report

    text = report.render(bench.results.as_dict())
    assert "Targets (DESIGN.md)" in text
    assert "documents.exact" in text
    for label, _ in report.TARGETS:
        assert label in text

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
    # (percentiles are ordered by construction: nothing to check there)
    assert res["n"] > 0
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
    assert sum(fuzzy.values()) >= 1
    # every listed vehicle the dicts find (full VIN, last 7, plate), hotlist finds too
    vehicles = lat["vehicles.mixed"]
    if vehicles["hotlist"]["n"] == vehicles["dict"]["n"]:
        for kind, count in vehicles["dict"]["outcomes"].items():
            if kind.endswith(":hit"):
                assert vehicles["hotlist"]["outcomes"].get(kind, 0) >= count, kind
    assert any(k.startswith("innocent:") for k in lat["persons.mixed"]["hotlist"]["outcomes"])


def test_throughput(bench: Any) -> None:
    out = bench.run_throughput("documents.exact")
    # a worker whose call raises dies at once and counts nothing
    assert all(v > 0 for v in out.values())


def test_batch(bench: Any) -> None:
    from bench_cases import BATCH_NOTES

    hits = {name: bench.run_batch(name)["hits"] for name in BATCH_NOTES}
    assert hits["duckdb_join"] == hits["dict_loop"] >= 1
    assert hits["hotlist"] >= hits["dict_loop"]


def test_recall(bench: Any) -> None:
    res = bench.run_recall()
    assert res["queries"] >= 3
    # most queries are variants of listed persons: the full scan finds some, and the
    # index finds at least 99 % of them (DESIGN.md)
    assert res["scan_hits"] >= 1
    assert res["hotlist_found"] >= 0.99 * res["scan_hits"], res


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
        # the bytes per record stats() reports are the data and index bytes it counts
        held = res["stats_bytes"]["data"] + res["stats_bytes"]["indexes"]
        assert held > 0
        assert res["stats_bytes_per_record"] == pytest.approx(held / 2_000, abs=0.05)
        assert set(res["phases_s"]) == {"start_and_imports", "load", "first_check"}


def test_report_renders(bench: Any) -> None:
    import report

    text = report.render(bench.results.as_dict())
    assert "**Targets (the design targets" in text
    assert "documents.exact" in text
    for label, _ in report.TARGETS:
        assert label in text

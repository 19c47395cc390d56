"""The measurements: hotlist side by side with what a user would otherwise pick.

A :class:`Bench` holds one configuration (scales, seed, query counts), builds
the data, the Hotlist and each alternative lazily (once), and runs every
measurement as a plain method returning a dict.  The pytest-benchmark suites
(``benchmarks/test_bench_*.py``) call these methods and add pytest-benchmark's
own statistics; ``tests/test_benchmarks_smoke.py`` calls the same methods at a
tiny scale.

Alternatives, built from the same data:

* ``dict``: a Python dict of ``"COUNTRY:COMPACTNUMBER"`` -> row, the query
  compacted with ``hotlist.ids.docnum.compact``;
* ``sqlite``: stdlib ``sqlite3``, in memory, table ``(number, country, row)``
  with an index on ``(number, country)``, a parameterised ``SELECT``;
* ``duckdb``: a DuckDB table created from the Arrow table, a parameterised
  ``SELECT ... WHERE document_number = ? AND issuing_country = ?``;
* ``rapidfuzz``: ``rapidfuzz.process.extract`` with ``score_cutoff`` and
  ``limit=None`` over all candidates: OSA distance <= 1 over the OCR keys of
  the same country's numbers (documents), ``fuzz.token_sort_ratio`` >= 100 x
  ``MATCH_THRESHOLD`` over every normalised listed name and alias (persons).
"""

from __future__ import annotations

import gc
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import hotlist
from bench_data import (
    DocQuery,
    PersonQuery,
    VehicleQuery,
    document_fuzzy_mix,
    document_mix,
    extract,
    listed_names,
    person_mix,
    table,
    vehicle_mix,
)
from bench_measure import (
    Results,
    latency,
    machine_info,
    sqlite_documents,
    throughput,
    timer_overhead_ns,
)
from hotlist import names
from hotlist.ids import docnum
from hotlist.ids import plate as plate_ids

__all__ = ["CASES", "Bench", "Config", "Impl"]

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Config:
    documents: int = 1_000_000
    vehicles: int = 1_000_000
    persons: int = 100_000
    seed: int = 7
    queries: int = 20_000  # document and vehicle latency loops
    person_queries: int = 2_000
    budget_s: float = 20.0  # per measured implementation
    threads: tuple[int, ...] = (1, 2, 4)
    throughput_s: float = 3.0
    batch: int = 1_000_000
    recall_queries: int = 40
    recall_max_comparisons: int = 6_000_000  # names x queries scored by the full scan
    cache_dir: Path | None = None
    command: str = ""


@dataclass
class Impl:
    """One implementation of one case: a callable over one query, and the queries."""

    call: Callable[[Any], Any]
    queries: Sequence[Any]
    classify: Callable[[Any, Any], str] | None = None
    budget_s: float | None = None
    note: str = ""


def _outcome(hit: bool) -> str:
    return "hit" if hit else "miss"


# case -> implementations, in the order they are reported; the first is ours.
CASES: dict[str, tuple[str, ...]] = {
    "documents.exact": ("hotlist", "dict", "sqlite", "duckdb"),
    "documents.tolerant_miss": ("hotlist", "rapidfuzz"),
    "documents.fuzzy": ("hotlist", "rapidfuzz"),
    "vehicles.mixed": ("hotlist", "dict"),
    "persons.mixed": ("hotlist", "rapidfuzz"),
}

DESCRIPTIONS = {
    "documents.exact": "document check, exact + OCR (max_edits=0); realistic mix, ~1 hit / 15,000",
    "documents.tolerant_miss": "document check with one-edit tolerance (default); realistic mix",
    "documents.fuzzy": "document check of listed numbers with one OCR slip or one edit",
    "vehicles.mixed": "VIN (full, last 7) and plate checks; almost all misses",
    "persons.mixed": "name + DOB check: 20 % variants of listed persons, 80 % innocent travellers",
}


@dataclass
class Bench:
    config: Config
    results: Results = field(init=False)

    def __post_init__(self) -> None:
        meta = {
            "command": self.config.command,
            "machine": machine_info(),
            "config": {
                "documents": self.config.documents,
                "vehicles": self.config.vehicles,
                "persons": self.config.persons,
                "seed": self.config.seed,
                "queries": self.config.queries,
                "person_queries": self.config.person_queries,
                "budget_s": self.config.budget_s,
                "threads": list(self.config.threads),
                "batch": self.config.batch,
                "recall_queries": self.config.recall_queries,
            },
            "timer_ns": timer_overhead_ns(),
        }
        self.results = Results(meta)

    # -- data ----------------------------------------------------------------------------
    def _table(self, dataset: Any, n: int) -> pa.Table:
        return table(dataset, n, self.config.seed, cache_dir=self.config.cache_dir)

    @cached_property
    def documents(self) -> pa.Table:
        return self._table("documents", self.config.documents)

    @cached_property
    def vehicles(self) -> pa.Table:
        return self._table("vehicles", self.config.vehicles)

    @cached_property
    def persons(self) -> pa.Table:
        return self._table("persons", self.config.persons)

    @cached_property
    def hl(self) -> hotlist.Hotlist:
        started = time.perf_counter()
        hl = hotlist.Hotlist.from_tables(
            documents=self.documents, vehicles=self.vehicles, persons=self.persons
        )
        seconds = time.perf_counter() - started
        stats = hl.stats()
        self.results.record(
            "build",
            "from_tables",
            {
                "seconds": round(seconds, 2),
                "index_build_seconds": stats["index_build_seconds"],
                "records": {k: stats[k] for k in ("documents", "vehicles", "persons")},
                "bytes": stats["bytes"],
                "bytes_per_record": stats["bytes_per_record"],
            },
        )
        return hl

    @cached_property
    def doc_exact_mix(self) -> list[DocQuery]:
        return document_mix(self.documents, self.config.queries, self.config.seed)

    @cached_property
    def doc_fuzzy_mix(self) -> list[DocQuery]:
        return document_fuzzy_mix(
            self.documents, max(200, self.config.queries // 4), self.config.seed
        )

    @cached_property
    def vehicle_mix(self) -> list[VehicleQuery]:
        return vehicle_mix(self.vehicles, self.config.queries, self.config.seed)

    @cached_property
    def listed(self) -> tuple[list[str], np.ndarray]:
        return listed_names(self.persons)

    @cached_property
    def person_mix(self) -> list[PersonQuery]:
        return person_mix(
            self.persons,
            self.config.person_queries,
            self.config.seed,
            normalised=set(self.listed[0]),
        )

    @cached_property
    def doc_record_ids(self) -> list[str]:
        ids: list[str] = self.documents.column("record_id").to_pylist()
        return ids

    # -- alternatives ----------------------------------------------------------------------
    @cached_property
    def doc_dict(self) -> dict[str, int]:
        keys = pc.binary_join_element_wise(
            pc.cast(self.documents.column("issuing_country"), pa.string()),
            docnum.compact_array(self.documents.column("document_number")),
            ":",
        ).to_pylist()
        d: dict[str, int] = {}
        for row, k in enumerate(keys):
            d.setdefault(k, row)
        return d

    @cached_property
    def doc_sqlite(self) -> sqlite3.Connection:
        compact = docnum.compact_array(self.documents.column("document_number"))
        countries = pc.cast(self.documents.column("issuing_country"), pa.string())
        return sqlite_documents(compact, countries, check_same_thread=False)

    @cached_property
    def doc_duckdb(self) -> Any:
        import duckdb

        con = duckdb.connect()
        arrow = pa.table(
            {
                "record_id": self.documents.column("record_id"),
                "document_number": docnum.compact_array(self.documents.column("document_number")),
                "issuing_country": pc.cast(self.documents.column("issuing_country"), pa.string()),
            }
        )
        con.register("documents_arrow", arrow)
        con.execute("CREATE TABLE documents AS SELECT * FROM documents_arrow")
        con.unregister("documents_arrow")
        return con

    @cached_property
    def doc_keys_by_country(self) -> dict[str, list[str]]:
        keys = docnum.ocr_key_array(docnum.compact_array(self.documents.column("document_number")))
        col = self.documents.column("issuing_country").combine_chunks()
        codes = col.indices.to_numpy(zero_copy_only=False)
        out: dict[str, list[str]] = {}
        for i, country in enumerate(col.dictionary.to_pylist()):
            rows = np.flatnonzero(codes == i)
            if len(rows):
                out[country] = keys.take(pa.array(rows)).to_pylist()
        return out

    @cached_property
    def vehicle_dicts(self) -> tuple[dict[str, int], dict[str, int], dict[str, list[int]]]:
        vins = self.vehicles.column("vin").to_pylist()
        plates = plate_ids.compact_array(self.vehicles.column("plate")).to_pylist()
        countries = pc.cast(self.vehicles.column("registration_country"), pa.string()).to_pylist()
        by_vin: dict[str, int] = {}
        by_plate: dict[str, int] = {}
        by_suffix: dict[str, list[int]] = {}
        for row, (v, p, c) in enumerate(zip(vins, plates, countries, strict=True)):
            if v:
                by_vin.setdefault(v, row)
                by_suffix.setdefault(v[-7:], []).append(row)
            if p:
                by_plate.setdefault(f"{c}:{p}", row)
        return by_vin, by_plate, by_suffix

    @cached_property
    def plain_names(self) -> list[str]:
        return [n.replace(",", "") for n in self.listed[0]]

    # -- implementations -------------------------------------------------------------------
    def impl(self, case: str, name: str) -> Impl:
        return getattr(self, f"_impl_{case.replace('.', '_')}_{name}")()  # type: ignore[no-any-return]

    def _impl_documents_exact_hotlist(self) -> Impl:
        hl = self.hl
        return Impl(
            lambda q: hl.check(document=q.number, country=q.country, max_edits=0),
            self.doc_exact_mix,
            lambda q, r: _outcome(r.hit),
            note="check(document=, country=, max_edits=0)",
        )

    def _impl_documents_exact_dict(self) -> Impl:
        get = self.doc_dict.get
        compact = docnum.compact
        return Impl(
            lambda q: get(q.country + ":" + compact(q.number)),
            self.doc_exact_mix,
            lambda q, r: _outcome(r is not None),
            note="dict.get(country + ':' + docnum.compact(number))",
        )

    def _impl_documents_exact_sqlite(self) -> Impl:
        con = self.doc_sqlite
        sql = "SELECT row FROM documents WHERE number = ? AND country = ?"
        compact = docnum.compact
        return Impl(
            lambda q: con.execute(sql, (compact(q.number), q.country)).fetchall(),
            self.doc_exact_mix,
            lambda q, r: _outcome(bool(r)),
            note="sqlite3 :memory:, index on (number, country)",
        )

    def _impl_documents_exact_duckdb(self) -> Impl:
        con = self.doc_duckdb
        sql = "SELECT record_id FROM documents WHERE document_number = ? AND issuing_country = ?"
        compact = docnum.compact
        return Impl(
            lambda q: con.execute(sql, [compact(q.number), q.country]).fetchall(),
            self.doc_exact_mix,
            lambda q, r: _outcome(bool(r)),
            budget_s=min(self.config.budget_s, 10.0),
            note="DuckDB table, parameterised SELECT (no index)",
        )

    def _doc_scan(self) -> Callable[[DocQuery], list[Any]]:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        by_country = self.doc_keys_by_country
        key = docnum.ocr_key
        compact = docnum.compact

        def scan(q: DocQuery) -> list[Any]:
            return process.extract(
                key(compact(q.number)),
                by_country.get(q.country, ()),
                scorer=OSA.distance,
                score_cutoff=1,
                limit=None,
            )

        return scan

    def _impl_documents_tolerant_miss_hotlist(self) -> Impl:
        hl = self.hl
        return Impl(
            lambda q: hl.check(document=q.number, country=q.country),
            self.doc_exact_mix,
            lambda q, r: _outcome(r.hit),
            note="check(document=, country=) (max_edits=1)",
        )

    def _impl_documents_tolerant_miss_rapidfuzz(self) -> Impl:
        return Impl(
            self._doc_scan(),
            self.doc_exact_mix,
            lambda q, r: _outcome(bool(r)),
            budget_s=min(self.config.budget_s, 10.0),
            note="process.extract(OSA.distance, score_cutoff=1) over the country's OCR keys",
        )

    def _impl_documents_fuzzy_hotlist(self) -> Impl:
        hl = self.hl
        ids = self.doc_record_ids

        def classify(q: DocQuery, r: Any) -> str:
            found = any(h.record_id == ids[q.row] for h in r.hits)
            return f"{q.kind}:{'found' if found else 'missed'}"

        return Impl(
            lambda q: hl.check(document=q.number, country=q.country),
            self.doc_fuzzy_mix,
            classify,
            note="check(document=, country=) (max_edits=1)",
        )

    def _impl_documents_fuzzy_rapidfuzz(self) -> Impl:
        key = docnum.ocr_key
        numbers = self.documents.column("document_number")

        def classify(q: DocQuery, r: list[Any]) -> str:
            listed = key(docnum.compact(numbers[q.row].as_py()))
            found = any(m[0] == listed for m in r)
            return f"{q.kind}:{'found' if found else 'missed'}"

        return Impl(
            self._doc_scan(),
            self.doc_fuzzy_mix,
            classify,
            budget_s=min(self.config.budget_s, 10.0),
            note="process.extract(OSA.distance, score_cutoff=1) over the country's OCR keys",
        )

    def _impl_vehicles_mixed_hotlist(self) -> Impl:
        hl = self.hl

        def call(q: VehicleQuery) -> Any:
            if q.field == "vin":
                return hl.check(vin=q.value)
            return hl.check(plate=q.value, country=q.country)

        return Impl(call, self.vehicle_mix, lambda q, r: f"{q.kind}:{_outcome(r.hit)}")

    def _impl_vehicles_mixed_dict(self) -> Impl:
        by_vin, by_plate, by_suffix = self.vehicle_dicts
        compact = plate_ids.compact

        def call(q: VehicleQuery) -> Any:
            if q.field == "vin":
                if len(q.value) == 17:
                    return by_vin.get(q.value)
                return by_suffix.get(q.value)
            return by_plate.get(f"{q.country}:{compact(q.value)}")

        return Impl(
            call,
            self.vehicle_mix,
            lambda q, r: f"{q.kind}:{_outcome(r is not None)}",
            note="dicts of VIN, last 7 of VIN, country:compact plate",
        )

    def _impl_persons_mixed_hotlist(self) -> Impl:
        hl = self.hl
        ids = self.persons.column("record_id").to_pylist()

        def classify(q: PersonQuery, r: Any) -> str:
            if q.row < 0:
                return f"innocent:{_outcome(r.hit)}"
            found = any(h.record_id == ids[q.row] for h in r.hits)
            return f"{q.kind}:{'found' if found else 'missed'}"

        return Impl(
            lambda q: hl.check(name=q.name, dob=q.dob),
            self.person_mix,
            classify,
            note="check(name=, dob=)",
        )

    def _impl_persons_mixed_rapidfuzz(self) -> Impl:
        from rapidfuzz import fuzz, process

        choices = self.plain_names
        owner = self.listed[1]
        cutoff = 100 * names.MATCH_THRESHOLD
        normalize = names.normalize

        def scan(q: PersonQuery) -> list[Any]:
            return process.extract(
                normalize(q.name).replace(",", ""),
                choices,
                scorer=fuzz.token_sort_ratio,
                processor=None,
                score_cutoff=cutoff,
                limit=None,
            )

        def classify(q: PersonQuery, r: list[Any]) -> str:
            if q.row < 0:
                return f"innocent:{_outcome(bool(r))}"
            found = any(int(owner[m[2]]) == q.row for m in r)
            return f"{q.kind}:{'found' if found else 'missed'}"

        return Impl(
            scan,
            self.person_mix,
            classify,
            budget_s=min(self.config.budget_s, 15.0),
            note=f"process.extract(fuzz.token_sort_ratio, score_cutoff={cutoff:g}) "
            "over every normalised name and alias (name only, no DOB)",
        )

    # -- measurements ----------------------------------------------------------------------
    def run_latency(self, case: str, name: str, *, budget_s: float | None = None) -> dict[str, Any]:
        impl = self.impl(case, name)
        budget = budget_s if budget_s is not None else (impl.budget_s or self.config.budget_s)
        res = latency(impl.call, impl.queries, budget_s=budget, classify=impl.classify)
        res["note"] = impl.note
        self.results.record(
            "latency", case, {"description": DESCRIPTIONS[case], "n_records": self._n(case)}
        )
        self.results.record("latency", case, {name: res})
        return res

    def _n(self, case: str) -> int:
        dataset = case.split(".", maxsplit=1)[0]
        return int(getattr(self.config, dataset))

    def run_throughput(self, case: str, threads: Sequence[int] | None = None) -> dict[str, Any]:
        impl = self.impl(case, "hotlist")
        out = {}
        for t in threads or self.config.threads:
            out[str(t)] = throughput(
                impl.call, impl.queries, threads=t, seconds=self.config.throughput_s
            )["calls_per_s"]
        self.results.record("throughput", case, {"hotlist_calls_per_s": out})
        return out

    # -- batch -----------------------------------------------------------------------------
    @cached_property
    def batch_queries(self) -> pa.Table:
        mix = self.doc_exact_mix
        k = self.config.batch
        reps = -(-k // max(1, len(mix)))
        numbers = [q.number for q in mix] * reps
        countries = [q.country for q in mix] * reps
        return pa.table({"document": numbers[:k], "country": countries[:k]})

    def run_batch(self, name: str, *, rounds: int = 1) -> dict[str, Any]:
        """``check_many`` and its alternatives over ``config.batch`` document queries."""
        queries = self.batch_queries
        if name == "hotlist_tolerant":
            queries = queries.slice(0, min(queries.num_rows, 2_000))
        run = self._batch_runner(name, queries)
        run()  # warm
        best = float("inf")
        hits = 0
        for _ in range(rounds):
            t = time.perf_counter()
            hits = run()
            best = min(best, time.perf_counter() - t)
        res = {
            "n": queries.num_rows,
            "seconds": round(best, 4),
            "checks_per_s": round(queries.num_rows / best, 1),
            "hits": hits,
            "note": BATCH_NOTES[name],
        }
        self.results.record("batch", "documents", {name: res})
        return res

    def _batch_runner(self, name: str, queries: pa.Table) -> Callable[[], int]:
        if name in ("hotlist", "hotlist_tolerant"):
            hl = self.hl
            edits = 0 if name == "hotlist" else 1

            def ours() -> int:
                out = hl.check_many(queries, max_edits=edits)
                return int(pc.sum(out.column("hit")).as_py() or 0)

            return ours
        if name == "duckdb_join":
            con = self.doc_duckdb

            def join() -> int:
                con.register("q", queries)
                try:
                    rel = con.sql(
                        "SELECT q.document, q.country, d.record_id FROM q LEFT JOIN documents d "
                        "ON d.document_number = q.document AND d.issuing_country = q.country"
                    )
                    # DuckDB >= 1.4 names it to_arrow_table(); older versions arrow()
                    out = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
                finally:
                    con.unregister("q")
                return int(out.num_rows - out.column("record_id").null_count)

            return join
        if name == "dict_loop":
            get = self.doc_dict.get
            compact = docnum.compact

            def loop() -> int:
                n = queries.column("document").to_pylist()
                c = queries.column("country").to_pylist()
                found = [get(ci + ":" + compact(ni)) for ni, ci in zip(n, c, strict=True)]
                return sum(f is not None for f in found)

            return loop
        raise KeyError(name)

    # -- persons: recall against a full scan with our scorer -------------------------------
    def run_recall(self) -> dict[str, Any]:
        """Our person hits vs a full scan with ``hotlist.names.similarity`` over every
        listed name (and vs the rapidfuzz scan), on name-only queries."""
        from rapidfuzz import fuzz, process

        listed, owner = self.listed
        plain = self.plain_names
        k = max(
            3,
            min(
                self.config.recall_queries,
                self.config.recall_max_comparisons // max(1, len(listed)),
            ),
        )
        queries = person_mix(
            self.persons,
            k,
            self.config.seed + 1,
            listed_share=0.75,
            normalised=set(listed),
            with_dob=False,
        )
        from hotlist._persons import PersonQuery as _Query

        threshold = names.MATCH_THRESHOLD
        index = self.hl._state.persons  # the engine's person index, as check() uses it
        every_name = np.arange(index.num_entries)
        scan_total = ours_found = rf_found = rf_total = ours_total = 0
        per_query = []
        started = time.perf_counter()
        for q in queries:
            norm = names.normalize(q.name)
            query = _Query(norm, None, None, None)
            # The reference: the same scorer (name similarity and the person score)
            # over every listed name and alias; ours: the blocking index's candidates.
            scan = {c.row for c in index.score_entries(query, every_name, threshold=threshold)}
            ours = {c.row for c in index.match(query, threshold=threshold)}
            rf = {
                int(owner[m[2]])
                for m in process.extract(
                    norm.replace(",", ""),
                    plain,
                    scorer=fuzz.token_sort_ratio,
                    processor=None,
                    score_cutoff=100 * threshold,
                    limit=None,
                )
            }
            scan_total += len(scan)
            ours_found += len(scan & ours)
            ours_total += len(ours)
            rf_found += len(scan & rf)
            rf_total += len(rf)
            per_query.append((q.kind, len(scan), len(scan & ours), len(scan & rf)))
        res = {
            "queries": len(queries),
            "listed_names": len(listed),
            "scan_hits": scan_total,
            "hotlist_found": ours_found,
            "hotlist_recall": round(ours_found / scan_total, 4) if scan_total else None,
            "hotlist_hits_total": ours_total,
            "rapidfuzz_found": rf_found,
            "rapidfuzz_recall": round(rf_found / scan_total, 4) if scan_total else None,
            "rapidfuzz_hits_total": rf_total,
            "queries_with_loss": sum(1 for _, s, o, _ in per_query if o < s),
            "seconds": round(time.perf_counter() - started, 1),
            "note": "name-only queries (75 % variants of listed persons, 25 % innocent); "
            "reference: every listed name and alias scored by the engine's own person "
            f"scorer (PersonIndex.score_entries, threshold {threshold}); hotlist: the "
            "candidates of its blocking index scored the same way (PersonIndex.match)",
        }
        self.results.record("recall", "persons", res)
        return res

    # -- load, memory, time to first answer ------------------------------------------------
    def run_load(self, fmt: str) -> dict[str, Any]:
        n = self.config.documents
        path = extract("documents", n, self.config.seed, fmt, cache_dir=self.config.cache_dir)
        gc.collect()
        t = time.perf_counter()
        if fmt == "parquet":
            import pyarrow.parquet as pq

            raw = pq.read_table(path).num_rows
        else:
            import pyarrow.csv as pacsv

            raw = pacsv.read_csv(path).num_rows
        raw_s = time.perf_counter() - t
        t = time.perf_counter()
        hl = hotlist.load(documents=path, progress=False)
        seconds = time.perf_counter() - t
        stats = hl.stats()
        loaded = int(stats["documents"])
        del hl
        gc.collect()
        res = {
            "records": loaded,
            "read": raw,
            "file_bytes": path.stat().st_size,
            "seconds": round(seconds, 3),
            "records_per_s": round(loaded / seconds, 1),
            "index_build_seconds": stats["index_build_seconds"],
            "read_validate_records_per_s": round(
                loaded / max(1e-9, seconds - stats["index_build_seconds"]), 1
            ),
            "pyarrow_read_seconds": round(raw_s, 3),
            "pyarrow_read_records_per_s": round(raw / raw_s, 1),
        }
        self.results.record("load", f"documents.{fmt}", res)
        return res

    def run_child(self, mode: str) -> dict[str, Any]:
        """Memory growth (and for ``hotlist``, time to first answer) in a fresh process."""
        n = self.config.documents
        path = extract("documents", n, self.config.seed, "parquet", cache_dir=self.config.cache_dir)
        probe = self.doc_exact_mix[0]
        cmd = [
            sys.executable,
            str(HERE / "bench_child.py"),
            "--mode",
            mode,
            "--path",
            str(path),
            "--document",
            probe.number,
            "--country",
            probe.country,
        ]
        spawned = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=3600)
        if proc.returncode:
            raise RuntimeError(f"{mode} child failed:\n{proc.stderr[-3000:]}")
        out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        records = out["records"]
        res: dict[str, Any] = {
            "records": records,
            "rss_growth_bytes": out["rss_after"] - out["rss_before"],
            "rss_bytes_per_record": round((out["rss_after"] - out["rss_before"]) / records, 1),
            "peak_growth_bytes_per_record": round(
                (out["hwm_after"] - out["rss_before"]) / records, 1
            ),
        }
        if mode == "hotlist":
            res["stats_bytes_per_record"] = out["stats_bytes_per_record"]
            res["stats_bytes"] = out["stats_bytes"]
            res["ttfa_seconds"] = round(out["first_answer_at"] - spawned, 3)
            res["phases_s"] = out["phases_s"]
        self.results.record("memory", f"documents.{mode}", res)
        return res


BATCH_NOTES = {
    "hotlist": "hl.check_many(table, max_edits=0): document + country columns",
    "hotlist_tolerant": "hl.check_many(table) with one-edit tolerance (first 2,000 rows)",
    "duckdb_join": "DuckDB LEFT JOIN of the registered query table on (number, country)",
    "dict_loop": "[d.get(country + ':' + compact(number)) for ...]",
}


def main(argv: Sequence[str] | None = None) -> None:
    """Run a few latency cases side by side, without pytest:

    .venv/bin/python benchmarks/bench_cases.py --documents 1000000 \\
        --cases documents.tolerant_miss:hotlist,documents.exact:sqlite,documents.exact:hotlist

    Prints p50 / p99 per case and implementation (the results JSON is not written).
    """
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--documents", type=int, default=1_000_000)
    ap.add_argument("--vehicles", type=int, default=100_000)
    ap.add_argument("--persons", type=int, default=1_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--budget", type=float, default=20.0)
    ap.add_argument("--repeat", type=int, default=3, help="rounds of every case (medians)")
    ap.add_argument(
        "--cases",
        default="documents.tolerant_miss:hotlist,documents.exact:sqlite,documents.exact:hotlist",
    )
    args = ap.parse_args(argv)
    bench = Bench(
        Config(
            documents=args.documents,
            vehicles=args.vehicles,
            persons=args.persons,
            queries=args.queries,
            budget_s=args.budget,
            command=" ".join(sys.argv),
        )
    )
    pairs = [c.rsplit(":", 1) for c in args.cases.split(",")]
    got: dict[str, list[tuple[float, float]]] = {}
    for r in range(args.repeat):
        for case, name in pairs:
            res = bench.run_latency(case, name)
            got.setdefault(f"{case}:{name}", []).append((res["p50_us"], res["p99_us"]))
            # the misses and hits of a mix apart (their share, p50, p99), when told
            for label, part in res.get("by_outcome", {}).items():
                if part.get("n") and len(res["by_outcome"]) > 1:
                    key = f"{case}:{name}[{label}]"
                    got.setdefault(key, []).append((part["p50_us"], part["p99_us"]))
            print(
                f"round {r + 1}  {case:<26} {name:<8} p50 {res['p50_us']:8.2f} µs  "
                f"p99 {res['p99_us']:8.2f} µs  "
                + "  ".join(
                    f"{k} {v['n'] / res['n']:.1%}: p50 {v['p50_us']:.2f} p99 {v['p99_us']:.2f}"
                    for k, v in res.get("by_outcome", {}).items()
                    if v.get("n")
                ),
                flush=True,
            )
    for key, v in got.items():
        p50 = float(np.median([a for a, _ in v]))
        p99 = float(np.median([b for _, b in v]))
        print(f"median of {len(v)}  {key:<36} p50 {p50:8.2f} µs  p99 {p99:8.2f} µs")


if __name__ == "__main__":
    main()

"""The measured large run (issue 12): 50 M documents with every index, and the
extrapolation to SLTD's ~128 M records on a 24 GB machine.

    nice -n 5 .venv/bin/python benchmarks/bench_50m.py [--documents 50000000]
        [--chunk 5000000] [--misses 20000] [--hits 2000] [--batch 1000000] [--json out.json]

Not part of the test suite (minutes of CPU, ~6 GB of memory at 50 M).  Steps:

1. The data, cached in ``benchmarks/data/`` (``documents-<n>-s<seed>-chunked.parquet``,
   ~0.65 GB at 50 M, and a small ``.queries.parquet`` beside it): ``n``
   synthetic documents from ``hotlist.synth.documents`` -- national number
   formats, issuers, types, statuses, dates -- written ``--chunk`` rows at a
   time (each chunk its own seed, record ids numbered through), so the
   generator never holds the whole table.  The query set: ``--misses`` fresh
   numbers in the same formats that no listed (country, number) has, and
   ``--hits`` listed ones drawn from every row group.  ``--path`` measures
   another documents file instead (its query file is made beside it).
2. A fresh process (``--child``) loads the file with ``hotlist.load`` and
   reports: load CPU and wall seconds and rows per CPU-second; RSS per record
   after the load, after the first check, and once the miss pre-filter's
   background build is joined; the peak (VmHWM) per record; the default call
   ``check(document=, country=)`` per query (p50 / p99 of the misses -- all
   of them, and those the default one-edit tolerance answers with no hit --
   and p50 of the hits), and exact ``check_many`` rows per second over
   ``--batch`` rows.
3. The extrapolation to 128 M records: each per-record figure times 128 M,
   against 24 GB.  Per-record sizes are nearly flat in ``n`` (the index
   directory has one slot per one to two keys at every size; the pre-filter
   is sized per key), so the linear extrapolation is the estimate; the
   report prints the 10 M per-record figures of the same run's inputs when
   ``--compare`` names the 10 M file, to show how flat they are.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench_measure import rss_bytes

DATA = Path(os.environ.get("HOTLIST_BENCH_DATA", Path(__file__).resolve().parent / "data"))
TARGET_RECORDS = 128_000_000
TARGET_BYTES = 24 * 2**30


# -- step 1: the data ---------------------------------------------------------------
def _keys(numbers: pa.ChunkedArray | pa.Array, countries: pa.ChunkedArray | pa.Array) -> pa.Array:
    from hotlist.ids import docnum

    joined = pc.binary_join_element_wise(
        pc.cast(countries, pa.string()), docnum.compact_array(numbers), ":"
    )
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def build(n: int, seed: int, chunk: int) -> Path:
    """The documents file (made once, then reused), a chunk at a time.  Named
    ``documents-<n>-s<seed>-chunked.parquet``: its rows are not those of
    ``bench_data.table("documents", n, seed)`` (one seed per chunk)."""
    from hotlist import synth
    from hotlist.schema import DOCUMENTS_SCHEMA

    path = DATA / f"documents-{n}-s{seed}-chunked.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    t0 = time.perf_counter()
    with pq.ParquetWriter(tmp, DOCUMENTS_SCHEMA, compression="zstd") as out:
        done = 0
        part = 0
        while done < n:
            m = min(chunk, n - done)
            t = synth.documents(m, seed * 1000 + part).cast(DOCUMENTS_SCHEMA)
            ids = pc.binary_join_element_wise(
                "D",
                pc.utf8_lpad(
                    pc.cast(pa.array(np.arange(done + 1, done + m + 1)), pa.string()),
                    width=10,
                    padding="0",
                ),
                "",
            )
            out.write_table(t.set_column(0, DOCUMENTS_SCHEMA.field("record_id"), ids))
            done += m
            part += 1
            del t
            gc.collect()
            print(f"  {done:,} documents written ({time.perf_counter() - t0:.0f} s)", flush=True)
    tmp.replace(path)
    return path


def queries_for(path: Path, seed: int, misses: int, hits: int) -> Path:
    """``<stem>.queries.parquet`` beside ``path`` (made once): ``misses`` fresh
    numbers in the same national formats that no listed (country, number)
    has, and ``hits`` listed ones drawn from every part of the file.  The file
    is read a row group at a time."""
    from hotlist import synth

    qpath = path.with_name(f"{path.stem}.queries.parquet")
    if qpath.exists():
        return qpath
    rng = np.random.default_rng([seed, 50])
    fresh = synth.documents(int(misses * 1.3) + 100, seed + 1_000_003)
    asked = _keys(fresh.column("document_number"), fresh.column("issuing_country"))
    unseen = np.ones(len(asked), dtype=bool)
    hit_numbers: list[str] = []
    hit_countries: list[str] = []
    f = pq.ParquetFile(path)
    n = f.metadata.num_rows
    for g in range(f.num_row_groups):
        t = f.read_row_group(g, columns=["document_number", "issuing_country"])
        listed = _keys(t.column("document_number"), t.column("issuing_country"))
        unseen &= ~np.asarray(pc.is_in(asked, value_set=listed).to_numpy(zero_copy_only=False))
        m = t.num_rows
        rows = pa.array(rng.choice(m, size=min(max(1, hits * m // n), m), replace=False))
        hit_numbers += t.column("document_number").take(rows).to_pylist()
        hit_countries += pc.cast(t.column("issuing_country"), pa.string()).take(rows).to_pylist()
    keep = pa.array(np.flatnonzero(unseen)[:misses])
    miss_numbers = fresh.column("document_number").take(keep).to_pylist()
    miss_countries = pc.cast(fresh.column("issuing_country"), pa.string()).take(keep).to_pylist()
    queries = pa.table(
        {
            "document": miss_numbers + hit_numbers,
            "country": miss_countries + hit_countries,
            "kind": ["miss"] * len(miss_numbers) + ["hit"] * len(hit_numbers),
        }
    )
    pq.write_table(queries, qpath)
    return qpath


# -- step 2: the measurement, in a fresh process ---------------------------------------
def _huge_pages() -> int:
    """Bytes of this process's anonymous memory in transparent huge pages (the
    pre-filter asks for them; a fragmented machine may not give them)."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("AnonHugePages:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


def _percentiles(ns: list[int]) -> dict[str, float]:
    if not ns:
        return {"n": 0}
    a = np.array(ns, dtype=np.float64) / 1e3
    return {
        "n": len(ns),
        "p50_us": round(float(np.percentile(a, 50)), 2),
        "p99_us": round(float(np.percentile(a, 99)), 2),
        "max_us": round(float(a.max()), 1),
    }


def child(path: Path, qpath: Path, batch: int) -> dict[str, object]:
    import hotlist

    queries = pq.read_table(qpath).to_pylist()
    gc.collect()
    base = rss_bytes()["rss"]
    c0, t0 = time.process_time(), time.perf_counter()
    hl = hotlist.load(documents=str(path), progress=False)
    load_cpu, load_wall = time.process_time() - c0, time.perf_counter() - t0
    n = int(hl.stats()["documents"])
    after_load = rss_bytes()["rss"] - base
    first = queries[0]
    hl.check(document=first["document"], country=first["country"])
    after_first = rss_bytes()["rss"] - base
    # the miss pre-filter is built in the background: a served list has it
    keys = hl._state.indexes["documents"].index
    t1 = time.perf_counter()
    if keys._builder is not None:
        keys._builder.join()
    filter_wait = time.perf_counter() - t1
    gc.collect()
    after_filter = rss_bytes()["rss"] - base
    load_peak = rss_bytes()["hwm"] - base
    # the default call, one query at a time, after 200 untimed ones of each kind
    check = hl.check
    clock = time.perf_counter_ns
    for q in [q for q in queries if q["kind"] == "miss"][:200] + [
        q for q in queries if q["kind"] == "hit"
    ][:200]:
        check(document=q["document"], country=q["country"])
    times: dict[str, list[int]] = {"miss": [], "miss_clean": [], "hit": []}
    for q in queries:
        d, c, kind = q["document"], q["country"], q["kind"]
        s = clock()
        r = check(document=d, country=c)
        e = clock() - s
        times[kind].append(e)
        if kind == "miss" and not r.hit:
            times["miss_clean"].append(e)
    out: dict[str, object] = {
        "records": n,
        "load_cpu_s": round(load_cpu, 2),
        "load_wall_s": round(load_wall, 2),
        "load_rows_per_cpu_s": round(n / load_cpu),
        "filter_wait_s": round(filter_wait, 2),
        "rss_bytes": {
            "after_load": after_load,
            "after_first_check": after_first,
            "after_filter": after_filter,
        },
        "rss_per_record": {
            "after_load": round(after_load / n, 1),
            "after_first_check": round(after_first / n, 1),
            "after_filter": round(after_filter / n, 1),
        },
        "stats_bytes_per_record": hl.stats()["bytes_per_record"]["documents"],
        "anon_huge_pages_bytes": _huge_pages(),
        "check_default": {k: _percentiles(v) for k, v in times.items()},
    }
    if batch:
        rng = np.random.default_rng(3)
        alphabet = np.frombuffer(b"ABCDEFGHJKMNPRTUVWXY0123456789", dtype=np.uint8)
        numbers = [bytes(r).decode() for r in alphabet[rng.integers(0, 30, size=(batch, 9))]]
        countries = [q["country"] for q in queries]
        manifest = pa.table(
            {"document": numbers, "country": [countries[i % len(countries)] for i in range(batch)]}
        )
        best = (float("inf"), float("inf"))
        for _ in range(3):
            c0, t0 = time.process_time(), time.perf_counter()
            hl.check_many(manifest, max_edits=0)
            best = min(best, (time.process_time() - c0, time.perf_counter() - t0))
        out["check_many_exact"] = {
            "rows": batch,
            "rows_per_cpu_s": round(batch / best[0]),
            "rows_per_s_wall": round(batch / best[1]),
        }
    out["peak_bytes"] = load_peak
    out["peak_per_record"] = round(load_peak / n, 1)
    out["peak_per_record_after_checks"] = round((rss_bytes()["hwm"] - base) / n, 1)
    return out


# -- step 3: the report ---------------------------------------------------------------
def extrapolate(res: dict[str, object]) -> dict[str, object]:
    per = dict(res["rss_per_record"])  # type: ignore[call-overload]
    per["peak"] = res["peak_per_record"]
    return {
        k: {
            "bytes_per_record": v,
            "gib_at_128m": round(float(v) * TARGET_RECORDS / 2**30, 2),
            "fits_24_gib": float(v) * TARGET_RECORDS < TARGET_BYTES,
        }
        for k, v in per.items()
    }


def summary(res: dict[str, Any]) -> None:
    """The figures as the README quotes them."""
    n = res["records"]
    per = res["rss_per_record"]
    d = res["check_default"]
    print(
        f"\n{n:,} documents: load {res['load_cpu_s']} s CPU ({res['load_rows_per_cpu_s']:,} rows "
        f"per CPU-second; wall {res['load_wall_s']} s)"
    )
    print(
        f"RSS per record: {per['after_load']} B after load, {per['after_first_check']} B after "
        f"the first check, {per['after_filter']} B with the pre-filter; peak "
        f"{res['peak_per_record']} B; {res['anon_huge_pages_bytes'] / 2**20:.0f} MiB in huge pages"
    )
    print(
        f"default check: miss p50 {d['miss']['p50_us']} us, p99 {d['miss']['p99_us']} us "
        f"(no-hit misses {d['miss_clean']['p50_us']} / {d['miss_clean']['p99_us']}); "
        f"hit p50 {d['hit']['p50_us']} us"
    )
    if "check_many_exact" in res:
        b = res["check_many_exact"]
        print(
            f"check_many exact: {b['rows_per_cpu_s']:,} rows per CPU-second, "
            f"{b['rows_per_s_wall']:,} per second wall"
        )
    for k, v in res["extrapolation_128m"].items():
        print(
            f"128 M, {k}: {v['bytes_per_record']} B x 128 M = {v['gib_at_128m']} GiB "
            f"({'fits' if v['fits_24_gib'] else 'does NOT fit'} 24 GiB)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--documents", type=int, default=50_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk", type=int, default=5_000_000)
    ap.add_argument("--misses", type=int, default=20_000)
    ap.add_argument("--hits", type=int, default=2_000)
    ap.add_argument("--batch", type=int, default=1_000_000, help="check_many rows (0: skip)")
    ap.add_argument("--json", help="write the result here too")
    ap.add_argument(
        "--path", help="measure this documents Parquet file instead (e.g. the cached 10 M one)"
    )
    ap.add_argument(
        "--build-only", action="store_true", help="make the data files, measure nothing"
    )
    ap.add_argument("--child", nargs=2, metavar=("PATH", "QUERIES"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), args.batch)))
        return

    t0 = time.perf_counter()
    path = Path(args.path) if args.path else build(args.documents, args.seed, args.chunk)
    qpath = queries_for(path, args.seed, args.misses, args.hits)
    print(f"data: {path} ({path.stat().st_size / 2**20:.0f} MiB; {time.perf_counter() - t0:.0f} s)")
    if args.build_only:
        return
    print(f"load average before: {os.getloadavg()}", flush=True)
    cmd = [sys.executable, __file__, "--child", str(path), str(qpath), "--batch", str(args.batch)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    res = json.loads(done.stdout.strip().splitlines()[-1])
    res["extrapolation_128m"] = extrapolate(res)
    res["load_average"] = os.getloadavg()
    res["command"] = " ".join(sys.argv)
    print(json.dumps(res, indent=1))
    summary(res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()

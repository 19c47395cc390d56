"""Data lifecycle timings: build, save, open (memory-mapped) and delta apply.

A script, not a pytest-benchmark suite: each step runs once on data too large
to repeat cheaply.  Run::

    .venv/bin/python benchmarks/bench_lifecycle.py --n 1000000
    .venv/bin/python benchmarks/bench_lifecycle.py --n 10000000 --delta 100000

It generates ``n`` documents (plus n/10 vehicles and a few persons) with
:mod:`hotlist.synth`, builds a Hotlist, saves a snapshot, opens it (reported:
the open itself, the first check after it, and the median of 1,000 misses), and
applies a delta of ``--delta`` document rows (half updates, a quarter inserts,
a quarter deletes), then the same delta again (recognised, a no-op).  The page
cache is warm for the open (the snapshot was just written); a cold open adds
the disk reads of what the first checks touch, not of the whole snapshot.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import hotlist
from hotlist import synth


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _delta(docs: pa.Table, k: int, path: Path, *, seed: int = 7) -> Path:
    """k rows: k/2 updates (a new number), k/4 inserts, k/4 deletes (rows drawn by ``seed``)."""
    rng = np.random.default_rng(seed)
    n = docs.num_rows
    picked = rng.choice(n, size=min(n, (k // 2) + (k // 4)), replace=False)
    upd_rows, del_rows = picked[: k // 2], picked[k // 2 :]
    plain = pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in docs.schema
        ]
    )
    upd = docs.take(pa.array(upd_rows)).cast(plain)
    upd = upd.set_column(1, "document_number", pc.binary_join_element_wise(upd[1], "X", ""))
    new = synth.documents(k // 4, seed=99 if seed == 7 else seed).cast(plain)
    prefix = "DELTA-" if seed == 7 else f"DELTA{seed}-"  # another seed's inserts are new ids
    new = new.set_column(0, "record_id", pc.binary_join_element_wise(pa.scalar(prefix), new[0], ""))
    dels = docs.take(pa.array(del_rows)).select(["record_id"])
    dels = pa.table(
        {f.name: dels[0] if f.name == "record_id" else pa.nulls(len(dels), f.type) for f in plain}
    )
    table = pa.concat_tables([upd, new, dels.cast(plain)])
    ops = ["upsert"] * (len(upd) + len(new)) + ["delete"] * len(dels)
    table = table.append_column("op", pa.array(ops))
    path.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path / "documents.parquet")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="documents (default 1 M)")
    parser.add_argument("--delta", type=int, default=100_000, help="delta rows (default 100 k)")
    parser.add_argument("--dir", help="working folder (default: a temporary one, removed)")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="hotlist-bench-"))
    out: dict[str, object] = {"documents": args.n, "delta_rows": args.delta}
    try:
        t = time.perf_counter()
        tables = {
            "documents": synth.documents(args.n, seed=1),
            "vehicles": synth.vehicles(max(1, args.n // 10), seed=2),
            "persons": synth.persons(min(20_000, max(1, args.n // 100)), seed=3),
        }
        out["generate_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        hl = hotlist.Hotlist.from_tables(**tables, progress=False)
        out["build_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        snap = hl.save(work / "snap")
        out["save_s"] = round(time.perf_counter() - t, 2)
        out["snapshot_mb"] = round(sum(p.stat().st_size for p in snap.rglob("*")) / 2**20, 1)
        docs = tables["documents"]
        delta = _delta(docs, args.delta, work / "delta")
        listed = docs.column("document_number")[args.n // 2].as_py()
        del hl, tables

        t = time.perf_counter()
        opened = hotlist.open(snap)
        out["open_ms"] = round((time.perf_counter() - t) * 1e3, 1)
        t = time.perf_counter()
        first = opened.check(document=listed)
        out["first_check_ms"] = round((time.perf_counter() - t) * 1e3, 2)
        assert first.hit
        lat = []
        for i in range(1000):
            t = time.perf_counter()
            opened.check(document=f"ZZ{i:07d}", max_edits=0)
            lat.append(time.perf_counter() - t)
        out["miss_p50_us_after_open"] = round(statistics.median(lat) * 1e6, 2)
        t = time.perf_counter()
        _snapshot_verify = hotlist.open(snap, verify=True)
        out["open_verify_s"] = round(time.perf_counter() - t, 2)
        del _snapshot_verify

        t = time.perf_counter()
        report = opened.apply(delta)
        out["apply_s"] = round(time.perf_counter() - t, 2)
        out["apply_counts"] = report.summary()["datasets"]["documents"]
        t = time.perf_counter()
        again = opened.apply(delta)
        out["apply_again_ms"] = round((time.perf_counter() - t) * 1e3, 1)
        assert not again.applied
        t = time.perf_counter()
        opened.save(work / "snap2")
        out["save_after_apply_s"] = round(time.perf_counter() - t, 2)
        out["peak_rss_mb"] = round(_rss_mb())
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

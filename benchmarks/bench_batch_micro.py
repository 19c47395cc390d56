"""check_many micro-benchmark: exact document checks per second on a miss-heavy manifest.

    .venv/bin/python benchmarks/bench_batch_micro.py [--documents 1000000] [--queries 1000000]
        [--tolerant 2000] [--rounds 3] [--path benchmarks/data/documents-10000000-s7.parquet]

1 M documents from ``hotlist.synth.documents``; a manifest of random 9-character
numbers (almost all misses) plus 0.01 % numbers sampled from the list, each with
an issuing country.  Times ``check_many(q, max_edits=0)`` (best of ``--rounds``, wall and CPU)
and, on ``--tolerant`` rows, the default ``max_edits=1`` once the miss
pre-filter is built (each round, wall and CPU).  Prints checks per second.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import hotlist
from hotlist import synth

_ALPHABET = np.frombuffer(b"ABCDEFGHJKMNPRTUVWXY0123456789", dtype=np.uint8)


def manifest(docs: pa.Table, n: int, seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    chars = _ALPHABET[rng.integers(0, len(_ALPHABET), size=(n, 9))]
    numbers = np.array([bytes(r).decode() for r in chars], dtype=object)
    countries = docs.column("issuing_country").to_pylist()
    listed = docs.column("document_number").to_pylist()
    pool = sorted({c for c in countries[:10_000] if c})
    country = np.array(pool, dtype=object)[rng.integers(0, len(pool), size=n)]
    hits = rng.choice(n, size=max(1, n // 10_000), replace=False)
    rows = rng.integers(0, len(listed), size=len(hits))
    for h, r in zip(hits.tolist(), rows.tolist(), strict=True):
        numbers[h] = listed[r]
        country[h] = countries[r]
    return pa.table({"document": pa.array(numbers, pa.string()), "country": country})


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--documents", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--tolerant", type=int, default=2_000, help="queries for max_edits=1")
    p.add_argument("--path", help="a documents Parquet file instead of --documents synthetic ones")
    args = p.parse_args()

    docs = pq.read_table(args.path) if args.path else synth.documents(args.documents, 1)
    hl = hotlist.Hotlist.from_tables(documents=docs)
    q = manifest(docs, args.queries)
    best, best_cpu = float("inf"), float("inf")
    out = None
    for _ in range(args.rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        out = hl.check_many(q, max_edits=0)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    assert out is not None
    hits = int(np.asarray(out.column("hit")).sum())
    print(
        f"exact   : {args.queries:>9,} queries in {best:.3f} s = "
        f"{args.queries / best / 1e6:.2f} M checks/s wall, {args.queries / best_cpu / 1e6:.2f} M "
        f"per CPU-second ({hits} hits, {out.num_rows:,} rows; {hotlist.__file__})"
    )
    small = q.slice(0, args.tolerant)
    # the one-edit pass reads the miss pre-filter, which the first tolerant
    # check builds in a background thread: measure once it is there (a served
    # list has it; a snapshot stores it)
    hl.check_many(q.slice(0, 10))
    keys = hl._state.indexes["documents"].index
    if keys._builder is not None:
        keys._builder.join()
    for _ in range(args.rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        hl.check_many(small)
        cpu, dt = time.process_time() - c0, time.perf_counter() - t0
        print(
            f"one-edit: {args.tolerant:>9,} queries in {dt:.3f} s = {args.tolerant / dt:,.0f} "
            f"checks/s wall, {args.tolerant / cpu:,.0f} per CPU-second"
        )


if __name__ == "__main__":
    main()

"""``hl.apply`` of document deltas as a service meets them, in thread CPU:
the first apply after a load, then later ones in the same process.

    .venv/bin/python benchmarks/bench_apply.py --documents 10000000 --changes 2000

Loads the cached ``documents-N-s7`` table (``bench_data``), drops the caller's
reference (the state alone holds the table, as in a service), then applies
``--rounds`` deltas of ``--changes`` rows each (``bench_lifecycle._delta``:
half updates with a longer number, a quarter inserts, a quarter deletes; each
round other rows), ``--pause`` seconds apart.  The first apply pays for the new
table's fresh memory (the kernel's page faults: ~1 s of CPU at 10 M); a later
one reuses the pages the replaced table freed.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

import hotlist
from bench_data import table
from bench_lifecycle import _delta


def _rss_mb() -> tuple[float, float]:
    """(resident now, peak) in MB."""
    with open(f"/proc/{os.getpid()}/statm") as f:
        resident = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return resident / 1e6, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=1_000_000)
    ap.add_argument("--changes", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=5.0)
    ap.add_argument(
        "--max-chunks",
        type=int,
        default=0,
        help="hotlist.index._arrow.MAX_CHUNKS for this run (0: the default)",
    )
    ap.add_argument(
        "--sliced",
        action="store_true",
        help="keep a delta's kept rows as slices of the old table (hotlist._delta._SLICED)",
    )
    args = ap.parse_args()
    if args.sliced:
        from hotlist import _delta as delta_code  # a knob of this run only

        delta_code._SLICED = frozenset({"documents"})
    if args.max_chunks:
        from hotlist.index import _arrow  # a knob of this run only

        _arrow.MAX_CHUNKS = args.max_chunks
    docs = table("documents", args.documents, 7)
    started = time.process_time()
    hl = hotlist.Hotlist.from_tables(documents=docs)
    del docs  # the state alone holds the table
    now, peak = _rss_mb()
    print(f"load: {time.process_time() - started:.1f} s CPU; RSS {now:,.0f} MB (peak {peak:,.0f})")
    hl.check(document="X1234567", country="FRA")  # the miss pre-filter starts building
    work = Path(tempfile.mkdtemp(prefix="hotlist-apply-"))
    times, checks = [], []
    for r in range(args.rounds):
        # each round's delta from the current table, its rows drawn by the round's seed
        current = hl._state.tables["documents"]
        path = _delta(current, args.changes, work / f"delta-{r}", seed=100 + r)
        del current
        gc.collect()
        time.sleep(args.pause)
        started = time.thread_time()
        report = hl.apply(path)
        took = time.thread_time() - started
        times.append(took)
        # the first check of a listed number after the apply: the hit path's
        # per-state setup (record reader, the compiled hit's chunk tables)
        listed = hl._state.tables["documents"].slice(123, 1).to_pylist()[0]
        started = time.thread_time()
        hit = hl.check(document=listed["document_number"], country=listed["issuing_country"])
        first_check = time.thread_time() - started
        checks.append(first_check)
        assert hit.hit, listed
        chunks = hl._state.tables["documents"].column("record_id").num_chunks
        now, peak = _rss_mb()
        print(
            f"apply {r + 1}: {took * 1000:7.0f} ms thread CPU "
            f"({'first after the load' if r == 0 else 'later'}; applied={report.applied}; "
            f"{chunks} chunks; RSS {now:,.0f} MB, peak {peak:,.0f}); "
            f"first hit after it {first_check * 1000:.1f} ms",
            flush=True,
        )
    if len(times) > 1:
        print(
            f"later applies: median {np.median(times[1:]) * 1000:.0f} ms, "
            f"mean {np.mean(times[1:]) * 1000:.0f} ms thread CPU; "
            f"first hit after an apply: median {np.median(checks) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()

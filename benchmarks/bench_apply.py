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
import tempfile
import time
from pathlib import Path

import numpy as np

import hotlist
from bench_data import table
from bench_lifecycle import _delta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=1_000_000)
    ap.add_argument("--changes", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=5.0)
    args = ap.parse_args()
    docs = table("documents", args.documents, 7)
    hl = hotlist.Hotlist.from_tables(documents=docs)
    del docs  # the state alone holds the table
    hl.check(document="X1234567", country="FRA")  # the miss pre-filter starts building
    work = Path(tempfile.mkdtemp(prefix="hotlist-apply-"))
    times = []
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
        print(
            f"apply {r + 1}: {took * 1000:7.0f} ms thread CPU "
            f"({'first after the load' if r == 0 else 'later'}; applied={report.applied})",
            flush=True,
        )
    if len(times) > 1:
        print(f"later applies: median {np.median(times[1:]) * 1000:.0f} ms thread CPU")


if __name__ == "__main__":
    main()

"""Recall of the person index against a full scan with the same scorer.

    .venv/bin/python benchmarks/person_recall.py --persons 100k --queries 200

For each query (``hotlist.synth.person_queries``: name variants of listed
persons with their DOB as listed, altered or left out, and innocent
travellers), the reference scores EVERY listed name and alias with the engine's
own person scorer (``PersonIndex.score_entries``); the index path scores only
the candidates of the blocking index (``PersonIndex.match``).  Recall = persons
the index path finds / persons the full scan finds, above the threshold.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data
import hotlist
from hotlist import names, synth
from hotlist._persons import PersonQuery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", default="100k")
    parser.add_argument("--queries", type=int, default=200, help="true variants")
    parser.add_argument("--innocents", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = bench_data.parse_scale(args.persons)
    listed = synth.persons(n, args.seed)
    hl = hotlist.Hotlist.from_tables(persons=listed)
    index = hl._state.persons
    every = np.arange(index.num_entries)
    threshold = names.MATCH_THRESHOLD
    found = total = 0
    lost: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    queries = synth.person_queries(listed, args.queries, args.innocents, seed=args.seed + 3)
    for q in queries:
        dob = names.parse_dob(q.query["dob"]) if "dob" in q.query else None
        nationality = q.query.get("nationality")
        query = PersonQuery(names.normalize(q.query["name"]), dob, nationality, q.query.get("sex"))
        scan = {c.row for c in index.score_entries(query, every, threshold=threshold)}
        ours = {c.row for c in index.match(query, threshold=threshold)}
        found += len(scan & ours)
        total += len(scan)
        if scan - ours:
            lost[q.variant.split(";")[0]] += len(scan - ours)
    print(
        f"{n:,} persons, {len(queries)} queries: the index found {found} of the {total} "
        f"persons the full scan found = {found / max(1, total):.2%}; "
        f"lost by variant {dict(lost)}; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()

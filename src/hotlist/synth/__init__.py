"""Seeded synthetic hotlist extracts in the canonical schemas, at any size.

Nothing here is real personal data: names are drawn from lists of common given
and family names per culture (:mod:`hotlist.synth._tables`), combined at random;
document numbers, VINs and plates are random strings in real national shapes.

    python -m hotlist.synth --out DIR --documents 1000000 --vehicles 100000 \
        --persons 100000 --seed 7 --format parquet

>>> from hotlist.schema import DOCUMENTS_SCHEMA
>>> t = documents(5, seed=1)
>>> t.schema.equals(DOCUMENTS_SCHEMA), t.num_rows
(True, 5)
>>> documents(50, seed=3).equals(documents(50, seed=3))
True
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hotlist.synth._demo import sample_tables, write_sample_data, write_table
from hotlist.synth._documents import documents
from hotlist.synth._persons import PersonQuery, person_queries, persons
from hotlist.synth._vehicles import vehicles, vin_check_digits

__all__ = [
    "PersonQuery",
    "documents",
    "main",
    "person_queries",
    "persons",
    "sample_tables",
    "vehicles",
    "vin_check_digits",
    "write_sample_data",
    "write_table",
]

_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hotlist.synth``: write synthetic extracts of any size."""
    parser = argparse.ArgumentParser(
        prog="python -m hotlist.synth",
        description="Write seeded synthetic hotlist extracts (no real personal data).",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--documents", type=int, default=0, help="number of documents")
    parser.add_argument("--vehicles", type=int, default=0, help="number of vehicles")
    parser.add_argument("--persons", type=int, default=0, help="number of persons")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    parser.add_argument("--format", choices=sorted(_SUFFIX), default="parquet")
    parser.add_argument(
        "--sample-data",
        action="store_true",
        help="write the bundled sample data set (with the demo records) instead",
    )
    args = parser.parse_args(argv)
    if args.sample_data:
        for path in write_sample_data(args.out, seed=args.seed or 2024):
            print(path)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    makers = {"documents": documents, "vehicles": vehicles, "persons": persons}
    for dataset, make in makers.items():
        n = getattr(args, dataset)
        if n <= 0:
            continue
        start = time.perf_counter()
        table = make(n, args.seed)
        made = time.perf_counter() - start
        path = write_table(table, args.out / f"{dataset}{_SUFFIX[args.format]}", args.format)
        total = time.perf_counter() - start
        print(
            f"{path}: {n:,} {dataset} generated in {made:.2f} s, written in {total - made:.2f} s",
            file=sys.stderr,
        )
    return 0

"""Run in a fresh process by ``bench_cases.Bench.run_child``: memory growth of one
structure over the documents extract, and time to first answer.

    python benchmarks/bench_child.py --mode hotlist --path documents.parquet \
        --document X1234567 --country FRA

Prints one JSON line.  ``rss_before`` is taken after the imports, so the
growth is the data and its indexes (for ``dict`` and ``sqlite``: the
structure alone, the Arrow table it was built from released).
"""

from __future__ import annotations

import argparse
import gc
import json
import time

_STARTED = time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["hotlist", "dict", "sqlite"], required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--document", required=True)
    ap.add_argument("--country", required=True)
    args = ap.parse_args()

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    import hotlist
    from bench_measure import rss_bytes, sqlite_documents
    from hotlist.ids import docnum

    imported = time.perf_counter()
    gc.collect()
    before = rss_bytes()
    out: dict[str, object] = {"rss_before": before["rss"]}
    keep: object
    if args.mode == "hotlist":
        hl = hotlist.load(documents=args.path, progress=False)
        loaded = time.perf_counter()
        hl.check(document=args.document, country=args.country)
        out["first_answer_at"] = time.time()
        answered = time.perf_counter()
        stats = hl.stats()
        out["records"] = stats["documents"]
        out["stats_bytes"] = {
            "data": stats["bytes"]["data"]["documents"],
            "indexes": stats["bytes"]["indexes"]["documents"],
        }
        out["stats_bytes_per_record"] = stats["bytes_per_record"]["documents"]
        out["phases_s"] = {
            "start_and_imports": round(imported - _STARTED, 3),
            "load": round(loaded - imported, 3),
            "first_check": round(answered - loaded, 6),
        }
        keep = hl
    else:
        t = pq.read_table(args.path, columns=["document_number", "issuing_country"])
        out["records"] = t.num_rows
        compact = docnum.compact_array(t.column("document_number"))
        countries = pc.cast(t.column("issuing_country"), "string")
        if args.mode == "dict":
            keys = pc.binary_join_element_wise(countries, compact, ":").to_pylist()
            d: dict[str, int] = {}
            for row, k in enumerate(keys):
                d.setdefault(k, row)
            del keys
            keep = d
        else:
            keep = sqlite_documents(compact, countries)
        del t, compact, countries
    gc.collect()
    after = rss_bytes()
    out["rss_after"] = after["rss"]
    out["hwm_after"] = after["hwm"]
    print(json.dumps(out))
    del keep


if __name__ == "__main__":
    main()

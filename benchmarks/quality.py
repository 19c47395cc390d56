"""Match quality on generated sets: recall of true variants and false hits of innocents.

    .venv/bin/python benchmarks/quality.py --documents 1m --persons 100k

Documents: innocent travellers' numbers (real national shapes, not on the list)
checked with the default tolerance -- how many raise any hit, and at which
level -- and listed numbers with one OCR slip or one edit -- how many find their
record.  Persons: ``hotlist.synth.person_queries`` -- name variants of listed
persons (as listed, reordered, middle name dropped, a typo, an initial, an
alias, transliterated, joined parts) with their DOB as listed, altered or left
out, and innocent travellers from the same name pools (whose full name is not on
the list) with DOB, nationality and sex.  Writes ``results/quality.json``.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import hotlist  # noqa: E402
from hotlist import synth  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1e6, q)) if values else float("nan")


def documents(n: int, k: int, seed: int) -> dict[str, object]:
    docs = bench_data.table("documents", n, seed)
    hl = hotlist.Hotlist.from_tables(documents=docs)
    innocent = [q for q in bench_data.document_mix(docs, k, seed, hit_rate=0.0)]
    levels: collections.Counter[str] = collections.Counter()
    for q in innocent:
        r = hl.check(document=q.number, country=q.country)
        if r.hits:
            levels[r.hits[0].match] += 1
    fuzzy = bench_data.document_fuzzy_mix(docs, k, seed)
    ids = docs.column("record_id")
    found: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for q in fuzzy:
        r = hl.check(document=q.number, country=q.country)
        total[q.kind] += 1
        found[q.kind] += ids[q.row].as_py() in {h.record_id for h in r.hits}
    return {
        "documents": n,
        "innocent_queries": len(innocent),
        "innocent_with_a_hit_per_1000": round(1000 * sum(levels.values()) / len(innocent), 2),
        "innocent_hits_by_level": dict(levels),
        "fuzzy_recall": {k2: f"{found[k2]}/{total[k2]}" for k2 in total},
    }


def persons(n: int, k_true: int, k_innocent: int, seed: int) -> dict[str, object]:
    listed = synth.persons(n, seed)
    started = time.perf_counter()
    hl = hotlist.Hotlist.from_tables(persons=listed)
    build = time.perf_counter() - started
    queries = synth.person_queries(listed, k_true, k_innocent, seed=seed + 1)
    found: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    false_hits = 0
    innocents = 0
    latency: list[float] = []
    for q in queries:
        t = time.perf_counter()
        # limit=100: the synthetic name pools are small, so a listed name can have
        # dozens of namesakes scoring alike when no DOB tells them apart.
        r = hl.check(**q.query, limit=100)
        latency.append(time.perf_counter() - t)
        got = {h.record_id for h in r.hits if h.dataset == "persons"}
        if q.expected is None:
            innocents += 1
            false_hits += bool(got)
        else:
            kind = q.variant.split(";")[0]
            total[kind] += 1
            found[kind] += q.expected in got
    return {
        "persons": n,
        "build_seconds": round(build, 1),
        "true_queries": sum(total.values()),
        "recall": round(sum(found.values()) / max(1, sum(total.values())), 4),
        "recall_by_variant": {k2: f"{found[k2]}/{total[k2]}" for k2 in sorted(total)},
        "innocent_queries": innocents,
        "innocent_with_a_hit_per_1000": round(1000 * false_hits / max(1, innocents), 1),
        "latency_us": {"p50": round(_pct(latency, 50)), "p99": round(_pct(latency, 99))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", default="1m", help="documents listed (e.g. 100k, 1m)")
    parser.add_argument("--document-queries", type=int, default=20_000)
    parser.add_argument("--persons", default="100k", help="persons listed")
    parser.add_argument("--person-queries", type=int, default=1000, help="true variants")
    parser.add_argument("--innocents", type=int, default=1000, help="innocent travellers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "quality.json")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    result = {
        "command": " ".join(sys.argv),
        "commit": commit,
        "machine": platform.processor() or platform.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "documents": documents(
            bench_data.parse_scale(args.documents), args.document_queries, args.seed
        ),
        "persons": persons(
            bench_data.parse_scale(args.persons), args.person_queries, args.innocents, args.seed
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Persons at scale: candidate recall against a full scan, latency, throughput, memory.

    .venv/bin/python benchmarks/person_recall.py --persons 200k --queries 300 --scan-queries 100
    .venv/bin/python benchmarks/person_recall.py --persons 1M --queries 1200 --innocents 300 \
        --scan-queries 60 --rapidfuzz-queries 10

The data (persons and queries) is cached under ``benchmarks/data/`` (1 M persons
take ~10 minutes to generate); ``--generate-only`` makes it and stops.

On ``person_devdata`` (30 locales, Zipf name skew, the written corruption
model; half the true queries are drawn from the listed persons with the
commonest names, so namesakes crowd the candidates), it reports:

* candidate recall: persons the index path (``PersonIndex.match``) finds /
  persons a full scan with the same model finds (``score_entries`` over every
  listed name and alias), at the default threshold;
* exact name + exact DOB of a listed person: found, and ranked first, every time;
* ``check()`` latency p50 / p99 / max over all queries (wall and CPU time), and a rapidfuzz scan of
  every listed name (``process.extractOne``, ``token_sort_ratio``) for the ratio;
* ``check_many`` name rows per second; load (index build) persons per second;
  the person index's bytes per person and the process's RSS growth per person.

Figures on a shared machine are noisy: say so when quoting them.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import hotlist  # noqa: E402
import person_devdata  # noqa: E402
from hotlist import names  # noqa: E402
from hotlist._persons import PersonQuery  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", default="200k")
    parser.add_argument("--queries", type=int, default=300, help="true variants")
    parser.add_argument("--innocents", type=int, default=300)
    parser.add_argument("--scan-queries", type=int, default=100, help="of those, full-scanned")
    parser.add_argument("--rapidfuzz-queries", type=int, default=50, help="for the scan ratio")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--generate-only", action="store_true", help="make (and cache) the data, measure nothing"
    )
    args = parser.parse_args()
    n = bench_data.parse_scale(args.persons)
    t0 = time.perf_counter()
    table, queries, exact = devdata(n, args.queries, args.innocents, args.seed)
    gen = time.perf_counter() - t0
    if args.generate_only:
        print(f"{n} persons, {len(queries)} queries, {len(exact)} exact: {gen:.0f} s")
        return
    rss0 = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    hl = hotlist.Hotlist.from_tables(persons=table)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    rss1 = _rss_mb()
    index = hl._state.persons
    # latency
    lat, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        hl.check(**q.query)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    lat_ms = np.asarray(lat) * 1e3
    cpu_ms = np.asarray(cpu) * 1e3
    # exact name + exact DOB: found and first
    ids = table.column("record_id").to_pylist()
    first = found = 0
    for name, dob, i in exact:
        r = hl.check(name=name, dob=dob)
        got = [h.record_id for h in r.hits if h.dataset == "persons"]
        found += ids[i] in got
        first += got[:1] == [ids[i]]
    # candidate recall against a full scan
    every = np.arange(index.num_entries)
    threshold = names.MATCH_THRESHOLD
    scan_total = scan_found = 0
    scan_seconds = 0.0
    lost: collections.Counter[str] = collections.Counter()
    examples: list[dict[str, object]] = []
    # spread over the queries: drawn at random, namesake-heavy and innocent alike
    picks = np.linspace(0, len(queries) - 1, min(args.scan_queries, len(queries))).astype(int)
    for q in [queries[int(k)] for k in np.unique(picks)]:
        dob = names.parse_dob(q.query["dob"]) if "dob" in q.query else None
        pq = PersonQuery(
            names.normalize(q.query["name"]), dob, q.query.get("nationality"), q.query.get("sex")
        )
        t = time.perf_counter()
        scan = {c.row for c in index.score_entries(pq, every, threshold=threshold)}
        scan_seconds += time.perf_counter() - t
        ours = {c.row for c in index.match(pq, threshold=threshold)}
        scan_total += len(scan)
        scan_found += len(scan & ours)
        if scan - ours:
            lost[",".join(q.kinds)] += len(scan - ours)
            examples.append(
                {
                    "query": q.query,
                    "expected": q.expected,
                    "lost": [ids[r] for r in sorted(scan - ours)],
                    "candidates": len(index.candidates(pq)),
                }
            )
    # a rapidfuzz scan of every listed name (what a user would otherwise write)
    from rapidfuzz import fuzz, process

    listed = [v or "" for v in index.normalised.to_pylist()]
    t = time.perf_counter()
    sample = queries[: args.rapidfuzz_queries]
    for q in sample:
        process.extractOne(names.normalize(q.query["name"]), listed, scorer=fuzz.token_sort_ratio)
    rapidfuzz_ms = 1e3 * (time.perf_counter() - t) / len(sample)
    # check_many name rows per second
    rows = [q.query for q in queries]
    cols = pa.table({k: [r.get(k) for r in rows] for k in ("name", "dob", "nationality", "sex")})
    t, c = time.perf_counter(), time.process_time()
    hl.check_many(cols)
    many = len(rows) / (time.perf_counter() - t)
    many_cpu = len(rows) / (time.process_time() - c)
    result = {
        "command": " ".join(sys.argv),
        "note": "shared 2-core machine: wall timings are noisy; the *_cpu figures are CPU time",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "persons": n,
        "listed_names_with_aliases": index.num_entries,
        "generate_seconds": round(gen, 1),
        "load_persons_per_second": round(n / build),
        "load_persons_per_cpu_second": round(n / build_cpu),
        "index_bytes_per_person": round(index.nbytes / n, 1),
        "rss_growth_mb_per_1000_persons_while_loading": round(1000 * (rss1 - rss0) / n, 3),
        "queries": len(queries),
        "check_ms": {
            "p50": round(float(np.percentile(lat_ms, 50)), 2),
            "p99": round(float(np.percentile(lat_ms, 99)), 2),
            "max": round(float(lat_ms.max()), 2),
        },
        "check_cpu_ms": {
            "p50": round(float(np.percentile(cpu_ms, 50)), 2),
            "p99": round(float(np.percentile(cpu_ms, 99)), 2),
            "max": round(float(cpu_ms.max()), 2),
        },
        "rapidfuzz_scan_ms_per_query": round(rapidfuzz_ms, 1),
        "speedup_vs_rapidfuzz_scan_p50": round(rapidfuzz_ms / float(np.percentile(lat_ms, 50)), 1),
        "check_many_rows_per_second": round(many),
        "check_many_rows_per_cpu_second": round(many_cpu),
        "exact_name_and_dob": {"queries": len(exact), "found": found, "ranked_first": first},
        "candidate_recall_vs_full_scan": {
            "queries": len(np.unique(picks)),
            "found": scan_found,
            "full_scan_found": scan_total,
            "recall": round(scan_found / max(1, scan_total), 4),
            "lost_by_kind": dict(lost),
            "lost_examples": examples[:10],
            "full_scan_seconds_per_query": round(scan_seconds / max(1, len(np.unique(picks))), 2),
        },
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


def devdata(
    n: int, k_true: int, k_innocent: int, seed: int
) -> tuple[pa.Table, list[person_devdata.Query], list[tuple[str, str, int]]]:
    """The listed persons, the queries (``k_true // 2`` drawn from all listed
    persons, the rest from those with the commonest family names: namesake-heavy,
    then ``k_innocent`` innocents) and the exact name + DOB queries (name, DOB,
    row) of namesake-heavy persons with a full DOB; cached under
    ``benchmarks/data/`` (git-ignored: 1 M persons take minutes to generate)."""
    stem = HERE / "data" / f"person-devdata-{n}-q{k_true}-i{k_innocent}-s{seed}"
    if stem.with_suffix(".parquet").exists() and stem.with_suffix(".json").exists():
        saved = json.loads(stem.with_suffix(".json").read_text())
        queries = [
            person_devdata.Query(q["query"], q["expected"], q["kinds"]) for q in saved["queries"]
        ]
        exact = [(a, b, int(c)) for a, b, c in saved["exact"]]
        return pq.read_table(stem.with_suffix(".parquet")), queries, exact
    table, queries = person_devdata.generate(n, k_true // 2, k_innocent, seed)
    innocents = queries[len(queries) - k_innocent :]
    queries = queries[: len(queries) - k_innocent]
    # namesake-heavy: listed persons carrying the commonest family names
    fam = table.column("family_name").to_pylist()
    common = collections.Counter(fam)
    heavy = sorted(range(n), key=lambda i: -common[fam[i]])[: k_true * 5]
    pop = person_devdata.Population(seed + 1)
    rng = np.random.default_rng(seed)
    people = _people(table, heavy)
    for i in rng.choice(heavy, size=k_true - k_true // 2, replace=False):
        queries.append(person_devdata.corrupt(people[int(i)], pop))
    queries += innocents
    exact = []
    for i in rng.choice(heavy, size=min(200, len(heavy)), replace=False).tolist():
        p = people[i]
        if p.dob is not None and p.dob_precision == "full":
            given = " ".join(names.normalize(g) for g in p.given)
            exact.append((f"{names.normalize(p.family)}, {given}", p.dob.isoformat(), i))
    stem.parent.mkdir(exist_ok=True)
    pq.write_table(table, stem.with_suffix(".parquet"))
    saved = {"queries": [q.__dict__ for q in queries], "exact": exact}
    stem.with_suffix(".json").write_text(json.dumps(saved))
    return table, queries, exact


def _people(table: pa.Table, rows: list[int]) -> dict[int, person_devdata.Person]:
    """The listed persons ``rows`` back as ``Person`` (Latin or native as listed)."""
    out = {}
    for i in rows:
        row = table.slice(i, 1).to_pylist()[0]
        y, m, d = row["dob_year"], row["dob_month"], row["dob_day"]
        dob = dt.date(y, m or 1, d or 1) if y else None
        precision = "full" if d else "year_month" if m else "year" if y else "none"
        out[i] = person_devdata.Person(
            row["record_id"],
            row["family_name"],
            row["given_names"].split(),
            row["sex"],
            row["nationalities"][0],
            dob,
            precision,
            native=False,
        )
    return out


if __name__ == "__main__":
    main()

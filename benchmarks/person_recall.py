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
import hashlib
import inspect
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
from hotlist import _person_bounds, _person_keys, _persons, names  # noqa: E402
from hotlist._persons import PersonIndex, PersonQuery  # noqa: E402

SRC = Path(hotlist.__file__).resolve().parent


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
    parser.add_argument(
        "--scan-only",
        action="store_true",
        help="fill the full-scan cache for the --scan-queries sample, measure nothing else",
    )
    parser.add_argument(
        "--rescan", action="store_true", help="full-scan again even where the cache has the query"
    )
    parser.add_argument(
        "--scan-cache",
        type=Path,
        default=None,
        help="use this full-scan cache file whatever the scoring fingerprint (a change known "
        "not to move any hit); the stale-cache check still applies",
    )
    parser.add_argument(
        "--rescore-from",
        type=Path,
        default=None,
        metavar="OLD_CACHE",
        help="fill this scoring fingerprint's full-scan cache (or --scan-cache) for the "
        "--scan-queries sample by re-scoring, with the current model, only the persons an "
        "older full-scan cache file found, and stop.  VALID ONLY FOR A MODEL CHANGE THAT "
        "NEVER RAISES A SCORE (then a new full scan's hits are a subset of the old scan's, "
        "and re-scoring those is the new scan); say which change, and test that property "
        "(tests/engine/test_person_levels.py does for the loose / family-initial levels)",
    )
    args = parser.parse_args()
    n = bench_data.parse_scale(args.persons)
    t0 = time.perf_counter()
    table, queries, exact = devdata(n, args.queries, args.innocents, args.seed)
    gen = time.perf_counter() - t0
    if args.generate_only:
        print(f"{n} persons, {len(queries)} queries, {len(exact)} exact: {gen:.0f} s")
        return
    stem = f"person-devdata-{n}-q{args.queries}-i{args.innocents}-s{args.seed}"
    if args.rescore_from is not None:
        index = hotlist.Hotlist.from_tables(persons=table)._state.persons
        old = ScanCache(stem, names.MATCH_THRESHOLD, args.rescore_from)
        cache = ScanCache(stem, names.MATCH_THRESHOLD, args.scan_cache)
        picks = scan_picks(len(queries), args.scan_queries)
        done = rescore(index, old, cache, queries, picks)
        print(f"re-scored {done} of {len(picks)} queries' cached hits into {cache.path}")
        return
    if args.scan_only:
        index = hotlist.Hotlist.from_tables(persons=table)._state.persons
        cache = ScanCache(stem, names.MATCH_THRESHOLD, args.scan_cache)
        picks = scan_picks(len(queries), args.scan_queries)
        t = time.perf_counter()
        for done, k in enumerate(picks, 1):
            if args.rescan or cache.get(k, queries[k]) is None:
                cache.scan(index, k, queries[k])
            if done % 25 == 0:
                print(f"{done}/{len(picks)} {time.perf_counter() - t:.0f} s", flush=True)
        print(f"full-scan cache: {cache.path}")
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
    # candidate recall against a full scan (cached per query: see ScanCache)
    threshold = names.MATCH_THRESHOLD
    cache = ScanCache(stem, threshold, args.scan_cache)
    picks = scan_picks(len(queries), args.scan_queries)
    recall = candidate_recall(index, cache, queries, picks, ids, rescan=args.rescan)
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
        "candidate_recall_vs_full_scan": recall,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


def scan_picks(n_queries: int, k: int) -> list[int]:
    """``k`` of the queries, spread over them (drawn at random, namesake-heavy and
    innocent alike), in a shuffled order: a scan cut short is still a fair sample."""
    picks = np.unique(np.linspace(0, n_queries - 1, min(k, n_queries)).astype(int))
    return [int(x) for x in np.random.default_rng(0).permutation(picks)]


def scoring_fingerprint() -> str:
    """A hash of the code that decides which persons a full scan finds: the name
    model and its kernels (``hotlist.names``), ``hotlist.scoring``, and the
    person model's own functions (qualification, term frequencies, namesakes,
    DOB levels).  Candidate generation (keys, caps, the token index) is not in
    it: changing that re-runs only the index path.  The bound is not in it
    either (it must not change a full scan's hits: its tests say so); the
    stale-cache check in :func:`candidate_recall` catches a scan that did."""
    h = hashlib.sha256()
    files = sorted(
        p for p in (SRC / "names").iterdir() if p.suffix in (".py", ".pyx", ".pxi", ".pxd")
    )
    for path in [*files, SRC / "scoring.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    parts = (
        PersonIndex._qualify,
        PersonIndex.tf,
        PersonIndex.namesakes,
        PersonIndex.score_pair,
        PersonIndex.dob_of,
        _persons._same_name,
        _person_keys.letter_keys,
        _person_keys.letter_forms,
        _person_bounds.dob_level,
        _person_bounds.dob_bits,
    )
    for obj in parts:
        h.update(inspect.getsource(obj).encode() + b"\0")
    h.update(repr(sorted(_persons._DOB_AGREES)).encode())
    return h.hexdigest()[:16]


class ScanCache:
    """Each query's full-scan hits on disk (``benchmarks/data/``, git-ignored), one
    JSON line a query, keyed by the data set, the threshold and
    :func:`scoring_fingerprint`: a change in candidate generation re-runs only
    the index path, a change in scoring starts a new file.  A line holds the
    query's position, a hash of the query itself, the hits (row, probability)
    and the scan's seconds; a scan cut short is resumed where it stopped."""

    def __init__(self, stem: str, threshold: float, path: Path | None = None) -> None:
        name = f"{stem}.fullscan-t{threshold:g}-{scoring_fingerprint()}.jsonl"
        self.path = HERE / "data" / name if path is None else path.resolve()
        self.hits: dict[tuple[int, str], list[tuple[int, float]]] = {}
        self.seconds: dict[tuple[int, str], float] = {}
        self.threshold = threshold
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by a killed run
                    continue
                key = (int(rec["i"]), str(rec["q"]))
                self.hits[key] = [(int(r), float(p)) for r, p in rec["hits"]]
                self.seconds[key] = float(rec["seconds"])

    @staticmethod
    def _qhash(q: person_devdata.Query) -> str:
        return hashlib.sha256(json.dumps(q.query, sort_keys=True).encode()).hexdigest()[:12]

    def get(self, k: int, q: person_devdata.Query) -> list[tuple[int, float]] | None:
        return self.hits.get((k, self._qhash(q)))

    def scan(self, index: PersonIndex, k: int, q: person_devdata.Query) -> list[tuple[int, float]]:
        """Full-scan query ``k`` (every listed name and alias) and append it."""
        every = np.arange(index.num_entries)
        t = time.perf_counter()
        found = index.score_entries(person_query(q), every, threshold=self.threshold)
        seconds = time.perf_counter() - t
        hits = sorted((int(c.row), float(c.score)) for c in found)
        self.put(k, q, hits, seconds)
        return hits

    def put(
        self, k: int, q: person_devdata.Query, hits: list[tuple[int, float]], seconds: float
    ) -> None:
        """Keep query ``k``'s full-scan hits (and append them to the file)."""
        key = (k, self._qhash(q))
        self.hits[key] = hits
        self.seconds[key] = seconds
        self.path.parent.mkdir(exist_ok=True)
        with self.path.open("a") as f:
            rec = {"i": k, "q": key[1], "hits": hits, "seconds": round(seconds, 3)}
            f.write(json.dumps(rec) + "\n")


def rescore(
    index: PersonIndex,
    old: ScanCache,
    new: ScanCache,
    queries: list[person_devdata.Query],
    picks: list[int],
) -> int:
    """Fill ``new`` for the queries ``picks`` that ``old`` has and ``new`` lacks:
    each query's hits are the persons of its old hits that the current model
    still scores at the threshold (every listed name and alias of each).  The
    full scan of a model that never raises a score, without scanning: use it
    only for such a change (``--rescore-from``).  The query's old scan seconds
    are kept.  Returns how many queries it filled."""
    order = np.argsort(index.owner, kind="stable")
    sorted_owner = index.owner[order]
    filled = 0
    for k in picks:
        q = queries[k]
        hits = old.get(k, q)
        if hits is None or new.get(k, q) is not None:
            continue
        persons = np.asarray(sorted({r for r, _ in hits}), dtype=sorted_owner.dtype)
        lo = np.searchsorted(sorted_owner, persons, side="left")
        hi = np.searchsorted(sorted_owner, persons, side="right")
        entries = (
            np.concatenate([order[a:b] for a, b in zip(lo, hi, strict=True)])
            if len(persons)
            else np.zeros(0, dtype=np.int64)
        )
        found = index.score_entries(person_query(q), entries, threshold=new.threshold)
        rescored = sorted((int(c.row), float(c.score)) for c in found)
        new.put(k, q, rescored, old.seconds[(k, old._qhash(q))])
        filled += 1
    return filled


def person_query(q: person_devdata.Query) -> PersonQuery:
    dob = names.parse_dob(q.query["dob"]) if "dob" in q.query else None
    return PersonQuery(
        names.normalize(q.query["name"]), dob, q.query.get("nationality"), q.query.get("sex")
    )


def candidate_recall(
    index: PersonIndex,
    cache: ScanCache,
    queries: list[person_devdata.Query],
    picks: list[int],
    ids: list[str],
    *,
    rescan: bool = False,
) -> dict[str, object]:
    """Persons the index path (``PersonIndex.match``) finds / persons a full scan
    with the same model finds, over the queries ``picks`` (full scans from the
    cache where it has them).  The index path scores a subset of the listed names
    with the same model, so it can find no person the scan did not, nor score one
    higher: a query where it does says the cache is stale (counted, and that
    query scanned again)."""
    threshold = cache.threshold
    scan_total = scan_found = scanned = stale = capped = 0
    lost: collections.Counter[str] = collections.Counter()
    examples: list[dict[str, object]] = []
    for k in picks:
        q = queries[k]
        pq = person_query(q)
        warnings: list[str] = []
        ours = {c.row: c.score for c in index.match(pq, threshold=threshold, warnings=warnings)}
        hits = None if rescan else cache.get(k, q)
        if hits is not None and any(
            r not in dict(hits) or p > dict(hits)[r] + 1e-9 for r, p in ours.items()
        ):
            stale += 1
            hits = None
        if hits is None:
            hits = cache.scan(index, k, q)
            scanned += 1
        scan = {r for r, _ in hits}
        capped += any("listed names share" in w for w in warnings)
        scan_total += len(scan)
        scan_found += len(scan & set(ours))
        if scan - set(ours):
            lost[",".join(q.kinds)] += len(scan - set(ours))
            examples.append(
                {
                    "query": q.query,
                    "expected": q.expected,
                    "lost": [ids[r] for r in sorted(scan - set(ours))],
                    "candidates": len(index.candidates(pq)),
                }
            )
    seconds = [cache.seconds[(k, cache._qhash(queries[k]))] for k in picks]
    return {
        "queries": len(picks),
        "found": scan_found,
        "full_scan_found": scan_total,
        "recall": round(scan_found / max(1, scan_total), 4),
        "queries_with_a_loss": len(examples),
        "queries_warned_capped": capped,
        "lost_by_kind": dict(lost),
        "lost_examples": examples[:10],
        "full_scans_run_now": scanned,
        "stale_cache_queries": stale,
        "full_scan_seconds_per_query": round(float(np.mean(seconds)) if seconds else 0.0, 2),
        "full_scan_cache": str(cache.path.relative_to(HERE)),
    }


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

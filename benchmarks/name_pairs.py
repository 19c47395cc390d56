"""Name-pair scoring speed: the (query name, listed name) pairs a person check scores in full.

The pairs are recorded from ``check()`` on the person development data
(``person_recall.devdata``: persons, true variants, namesake-heavy variants and
innocents), then timed per pair, in CPU time (``time.process_time``):

* ``compare`` (the comparison levels), ``name_bits`` (levels and bits, with a
  per-query memo as ``check()`` keeps it) and ``names.similarity`` (shuffled, so
  that no query repeats from one call to the next);
* "cold": every name cache emptied first (a listed name a check meets at scale
  is usually new to the caches); "warm": the same pairs again.

Run it twice to compare the compiled scorer with the pure-Python reference::

    python benchmarks/name_pairs.py --persons 50k --pairs 10000
    HOTLIST_PURE=1 python benchmarks/name_pairs.py --persons 50k --pairs 10000

Both runs check that they produce the same levels, bits and scores (a digest).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import hotlist  # noqa: E402
import hotlist._persons as persons_module  # noqa: E402
from hotlist import names  # noqa: E402
from hotlist.names import _align, _phonetic, _similarity, _tokens, _tokensim  # noqa: E402
from hotlist.names._compare import compare, name_bits  # noqa: E402
from person_recall import devdata  # noqa: E402

Pair = tuple[str, str]


def record(n: int, want: int, seed: int) -> list[list[Pair]]:
    """The pairs ``check()`` scores in full, per query, until ``want`` pairs."""
    table, queries, _ = devdata(n, 600, 600, seed)
    hl = hotlist.Hotlist.from_tables(persons=table)
    scored: list[Pair] = []
    original = getattr(persons_module, "name_bits")  # noqa: B009 - not exported

    def recording(query: str, listed: str, *args: object, **kw: object) -> object:
        scored.append((query, listed))
        return original(query, listed, *args, **kw)

    setattr(persons_module, "name_bits", recording)  # noqa: B010 - not exported
    out: list[list[Pair]] = []
    try:
        for q in queries:
            scored = []
            hl.check(**q.query)  # type: ignore[arg-type]
            out.append(scored)
            if sum(map(len, out)) >= want:
                break
    finally:
        setattr(persons_module, "name_bits", original)  # noqa: B010
    return out


def clear() -> None:
    """Empty every name cache (the kernel's too)."""
    for mod in (_align, _tokensim, _phonetic, _tokens):
        for value in vars(mod).values():
            if callable(getattr(value, "cache_clear", None)) and not isinstance(value, type):
                value.cache_clear()
    _similarity._query.cache_clear()
    _similarity._query_of.cache_clear()


def timed(run: Callable[[], list[object]], n: int) -> tuple[float, float, list[object]]:
    clear()
    t = time.process_time()
    out = run()
    cold = time.process_time() - t
    t = time.process_time()
    run()
    warm = time.process_time() - t
    return cold / n * 1e6, warm / n * 1e6, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", default="50k")
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out")
    args = ap.parse_args()
    n = bench_data.parse_scale(args.persons)
    per_query = record(n, args.pairs, args.seed)
    pairs = [p for qp in per_query for p in qp][: args.pairs]
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)

    def tf(token: str) -> float:
        return 1.0 / (2 + len(token))

    def bits_run() -> list[object]:
        res: list[object] = []
        for qp in per_query:
            memo: dict[tuple[str, str, bool], float] = {}
            res.extend(name_bits(q, c, tf, memo=memo) for q, c in qp)
        return res[: len(pairs)]

    result: dict[str, object] = {
        "command": " ".join(["benchmarks/name_pairs.py", *sys.argv[1:]]),
        "kernel": _phonetic.KERNEL is not None,
        "HOTLIST_PURE": bool(os.environ.get("HOTLIST_PURE")),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "persons": n,
        "pairs": len(pairs),
        "pairs_per_query": round(len(pairs) / max(1, len(per_query)), 1),
    }
    digest = hashlib.sha256()
    runs: dict[str, Callable[[], list[object]]] = {
        "compare": lambda: [compare(q, c) for q, c in pairs],
        "name_bits": bits_run,
        "similarity": lambda: [names.similarity(a, b) for a, b in shuffled],
    }
    for label, run in runs.items():
        cold, warm, out = timed(run, len(pairs))
        result[f"{label}_us_per_pair"] = {"cold": round(cold, 2), "warm": round(warm, 2)}
        digest.update(repr(out).encode())
    result["digest"] = digest.hexdigest()[:16]
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()

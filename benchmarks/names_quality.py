"""Quality and speed of ``hotlist.names.similarity`` on the labelled pairs.

Prints precision, recall and F1 at ``MATCH_THRESHOLD`` (overall and per
category), the pairs on the wrong side of the threshold, and microseconds per
``similarity`` call (timeit, on already-normalised names, as the person index
calls it).

    .venv/bin/python benchmarks/names_quality.py [--threshold 0.85] [--errors] [--holdout]
"""

from __future__ import annotations

import argparse
import csv
import sys
import timeit
from collections import defaultdict
from pathlib import Path

from hotlist.names import MATCH_THRESHOLD, blocking_keys, explain, normalize, similarity

DATA = Path(__file__).resolve().parent.parent / "tests" / "names" / "data"
PAIRS = DATA / "pairs.tsv"  # tuned on
HOLDOUT = DATA / "holdout.tsv"  # written after tuning, never tuned on


def load_pairs(path: Path = PAIRS) -> list[tuple[str, str, int, str]]:
    """``(a, b, label, category)`` rows of the pair file (``#`` lines are comments)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return [(a, b, int(label), cat) for a, b, label, cat in rows[1:]]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=MATCH_THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list misclassified pairs")
    parser.add_argument("--holdout", action="store_true", help="score holdout.tsv instead")
    args = parser.parse_args()
    pairs = load_pairs(HOLDOUT if args.holdout else PAIRS)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    errors = []
    blocked = matches = 0
    for a, b, label, cat in pairs:
        s = similarity(a, b)
        got = s >= args.threshold
        slot = (0 if label else 1) if got else (2 if label else 3)
        for key in (cat, "ALL"):
            counts[key][slot] += 1
        if got != bool(label):
            errors.append((s, label, cat, a, b))
        if label:
            matches += 1
            blocked += bool(set(blocking_keys(a)) & set(blocking_keys(b)))
    print(f"{len(pairs)} pairs, threshold {args.threshold}")
    print(f"{'category':16} {'n':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
    for cat in sorted(counts, key=lambda c: (c == "ALL", c)):
        tp, fp, fn, tn = counts[cat]
        p, r, f = prf(tp, fp, fn)
        print(f"{cat:16} {tp + fp + fn + tn:4d} {p:6.3f} {r:6.3f} {f:6.3f}")
    print(f"blocking: {blocked}/{matches} true matches share a blocking key")
    sizes = [len(blocking_keys(n)) for a, b, _, _ in pairs for n in (a, b)]
    print(f"blocking keys per name: mean {sum(sizes) / len(sizes):.1f}, max {max(sizes)}")
    if args.errors:
        for s, label, cat, a, b in sorted(errors, key=lambda e: e[2]):
            print(f"  {'FN' if label else 'FP'} {s:.3f} [{cat}] {a!r} / {b!r}: {explain(a, b)[1]}")
    norm = [(normalize(a), normalize(b)) for a, b, _, _ in pairs]
    n = len(norm)

    def run() -> None:
        for a, b in norm:
            similarity(a, b)

    run()  # warm the caches, as a long-running scorer would be
    loops = 20
    t = min(timeit.repeat(run, number=loops, repeat=5)) / (loops * n)
    print(f"similarity on normalised names: {t * 1e6:.2f} us per call (warm caches)")

    def cold() -> None:
        # every cache of the name modules, whatever their internals are now
        import hotlist.names as pkg

        for mod in list(sys.modules.values()):
            if not getattr(mod, "__name__", "").startswith(pkg.__name__):
                continue
            for value in list(vars(mod).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and not isinstance(value, type):
                    clear()
            last = getattr(mod, "_last", None)
            if isinstance(last, list) and last:
                last[0] = ""
        run()

    t = min(timeit.repeat(cold, number=1, repeat=5)) / n
    print(f"similarity on normalised names: {t * 1e6:.2f} us per call (cold caches)")
    cut = args.threshold
    t = min(
        timeit.repeat(
            lambda: [similarity(a, b, score_cutoff=cut) for a, b in norm], number=loops, repeat=5
        )
    ) / (loops * n)
    print(f"similarity with score_cutoff: {t * 1e6:.2f} us per call (warm caches)")
    from rapidfuzz import fuzz  # a yardstick for this machine, measured in the same run

    t = min(
        timeit.repeat(
            lambda: [fuzz.token_sort_ratio(a, b) for a, b in norm], number=loops, repeat=5
        )
    ) / (loops * n)
    print(f"for scale, rapidfuzz token_sort_ratio: {t * 1e6:.2f} us per call")


if __name__ == "__main__":
    main()

"""The compiled one-edit search's key and place bits after a delta: made whole
from every key (what each delta cost before) against seeded from the old
index's bits (``OneEdit.seed_bits``: copied, the added keys set), in thread CPU.

    .venv/bin/python benchmarks/bench_delta_bits.py --n 10000000 --changes 2000

Synthetic 9-character numbers; ``--changes`` keys deleted and as many added.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa

from hotlist.index import KeyIndex

ALPHABET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ", np.uint8)


def numbers(rng: np.random.Generator, k: int) -> pa.Array:
    letters = ALPHABET[rng.integers(0, len(ALPHABET), (k, 9))]
    out = pa.array(letters.view("S9").ravel().astype(str), pa.string())
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--changes", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(3)
    n, d = args.n, args.changes
    keys = numbers(rng, n)
    ix = KeyIndex.build(keys)
    old = ix._make_kernel()
    t = time.thread_time()
    old.make_key_bits()
    print(f"{n:,} keys: bits made at build {time.thread_time() - t:.3f} s CPU")
    keep = np.ones(n, bool)
    keep[rng.choice(n, d, replace=False)] = False
    now = pa.concat_arrays([keys.filter(pa.array(keep)), numbers(rng, d)])
    added = np.arange(len(now) - d, len(now), dtype=np.int64)
    ix._kernel = None  # merged() would seed in the background: both ways by hand
    merged = ix.merged(keep, now)
    for _ in range(args.rounds):
        k = merged._make_kernel()
        t = time.thread_time()
        k.make_key_bits()
        whole = time.thread_time() - t
        k = merged._make_kernel()
        t = time.thread_time()
        k.seed_bits(old, added, d, background=False)
        seeded = time.thread_time() - t
        print(
            f"delta of {d:,} deletions + {d:,} additions: bits made whole {whole:.3f} s CPU, "
            f"seeded {seeded * 1000:.1f} ms CPU (stale keys {k.stale_keys:,})"
        )


if __name__ == "__main__":
    main()

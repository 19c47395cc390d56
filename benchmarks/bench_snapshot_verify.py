"""What checking a snapshot at open costs: CRC-32 (the default), SHA-256, sizes only,
and (for comparison) a structural check with Arrow ``validate(full=True)``.

    .venv/bin/python benchmarks/bench_snapshot_verify.py [N_DOCUMENTS]

Prints seconds per open (best of 3, page cache warm) and the snapshot's size.
Figures on a shared machine are noisy; compare the modes within one run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
from pyarrow import ipc

import hotlist
from hotlist import synth


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    hl = hotlist.Hotlist.from_tables(documents=synth.documents(n, seed=1), progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        snap = hl.save(Path(tmp) / "s")
        size = sum(p.stat().st_size for p in snap.rglob("*") if p.is_file())
        print(f"{n:,} documents, snapshot {size / 1e6:.1f} MB")
        for mode in ("checksum", "sha256", "size"):
            s = best(lambda mode=mode: hotlist.open(snap, verify=mode))
            print(f"open verify={mode!r:11} {s:.3f} s  ({size / s / 1e9:.2f} GB/s)")

        def structure() -> None:
            for p in snap.rglob("*.arrow"):
                ipc.open_file(pa.memory_map(str(p))).read_all().validate(full=True)

        print(f"Arrow validate(full=True) of the tables alone: {best(structure):.3f} s")


if __name__ == "__main__":
    main()

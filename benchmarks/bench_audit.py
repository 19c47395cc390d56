"""What auditing costs: a plain check side by side with the same check through an audited
session, check_many with one audit entry per row, and verification of the log.

    .venv/bin/python benchmarks/bench_audit.py [--documents 200000] [--queries 20000]
        [--batch 200000] [--verify-entries 1000000] [--rounds 3]
        [--out benchmarks/results/audit.json]

Targets (issue 13): audit overhead <= 15 us per check with group commit (sustained,
CPU, the writer thread included); >= 1 M rows/s logged by check_many ("audit logging
alone"); verify >= 1 M entries/s.  The load average when the run started is in the
output: on a shared machine every figure scales with it.

Figures:

- ``check`` p50 / p99 of a miss (the common case) and of a hit, plain and through a
  session (``sync="group"``: the caller's cost is building the entry's tuple and a
  queue append; the writer thread formats, hashes and fsyncs every 50 ms);
- sustained cost per check (N checks then ``flush()``, so the writer's work is
  included), plain and audited, and their difference: the audit overhead;
- ``sync="entry"`` (one fsync per check) for comparison;
- ``check_many`` rows/s, plain and audited (including writing every row's entry);
- ``verify`` entries/s over a log of ``--verify-entries`` entries.

Timings are wall-clock on whatever machine runs this; on a shared machine they are
noisy (the medians of several rounds are reported).  ``audit_kernel`` says whether the
compiled hashing kernel was used (``HOTLIST_PURE=1`` measures the pure-Python path).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

import hotlist
from hotlist import synth
from hotlist.audit import _chain
from hotlist.audit._entries import BatchData


def _latencies(fn: Any, queries: list[dict[str, Any]]) -> dict[str, float]:
    """p50 / p99 per call: wall clock, and CPU time of the calling thread (which a
    busy machine does not inflate the way it inflates wall time)."""
    wall = np.empty(len(queries), dtype=np.int64)
    cpu = np.empty(len(queries), dtype=np.int64)
    clock, tclock = time.perf_counter_ns, time.thread_time_ns
    for i, q in enumerate(queries):
        c = tclock()
        t = clock()
        fn(**q)
        wall[i] = clock() - t
        cpu[i] = tclock() - c
    return {
        "wall p50": float(np.percentile(wall, 50) / 1000),
        "wall p99": float(np.percentile(wall, 99) / 1000),
        "cpu p50": float(np.percentile(cpu, 50) / 1000),
        "cpu p99": float(np.percentile(cpu, 99) / 1000),
    }


def _sustained(fn: Any, queries: list[dict[str, Any]], flush: Any = None) -> dict[str, float]:
    """Per check over a run, the writer's work included: wall, and CPU of the whole
    process (every thread)."""
    c = time.process_time()
    t = time.perf_counter()
    for q in queries:
        fn(**q)
    if flush is not None:
        flush()
    n = len(queries)
    return {
        "wall": (time.perf_counter() - t) / n * 1e6,
        "cpu": (time.process_time() - c) / n * 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--documents", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=200_000)
    ap.add_argument("--verify-entries", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "audit.json"))
    args = ap.parse_args(argv)

    docs = synth.documents(args.documents, seed=3)
    hl = hotlist.Hotlist.from_tables(documents=docs)
    listed = docs.column("document_number").to_pylist()
    countries = docs.column("issuing_country").cast(pa.string()).to_pylist()
    rng = np.random.default_rng(5)
    misses = [
        {"document": f"QZ{n:07d}", "country": "FRA"} for n in rng.integers(0, 10**7, args.queries)
    ]
    picks = rng.integers(0, len(listed), max(1, args.queries // 10))
    hits = [{"document": listed[i], "country": countries[i]} for i in picks]
    folder = Path(tempfile.mkdtemp(prefix="hotlist-audit-bench-"))
    # Calibration: the primitives every audited check uses, to compare machines (the
    # log's floors: one keyed hash per query value, one SHA-256 per entry).
    key, msg, line = b"k" * 32, b"document\x1fL898902C3", b"x" * 440
    hasher = hotlist.audit.KeyedHasher(key)
    calibration: dict[str, float] = {}
    for name, primitive in (
        ("hmac-sha256 of a document number (hmac.digest)", lambda: hmac.digest(key, msg, "sha256")),
        ("keyed hash of a document number (the log's)", lambda: hasher("document", "L898902C3")),
        ("sha256 of a 440-byte line", lambda: hashlib.sha256(line).hexdigest()),
    ):
        c = time.thread_time_ns()
        for _ in range(20_000):
            primitive()
        calibration[name] = round((time.thread_time_ns() - c) / 20_000 / 1000, 3)
    secret = secrets.token_bytes(32)
    out: dict[str, Any] = {
        "documents": args.documents,
        "queries": args.queries,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "hotlist": hotlist.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "calibration_us": calibration,
        # the compiled hashing kernel (hotlist.audit._hashkernel) and its SHA-256 path
        "audit_kernel": {
            "compiled": _chain.COMPILED,
            "sha_ni": _chain.COMPILED and _chain.sha_ni(),
        },
    }

    log = hotlist.AuditLog(folder / "group", secret=secret)
    hl.audit = log
    gate = hl.session(operator="bench", role="frontline", purpose="benchmark", post="LAB")
    rows: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, fn, qs in (
            ("plain miss", hl.check, misses),
            ("audited miss", gate.check, misses),
            ("plain miss max_edits=0", lambda **q: hl.check(max_edits=0, **q), misses),
            ("audited miss max_edits=0", lambda **q: gate.check(max_edits=0, **q), misses),
            ("plain hit", hl.check, hits),
            ("audited hit", gate.check, hits),
        ):
            for k, v in _latencies(fn, qs).items():
                rows.setdefault(f"{name} {k}", []).append(v)
        log.flush()
        for k, v in _sustained(hl.check, misses).items():
            rows.setdefault(f"sustained plain miss {k}", []).append(v)
        for k, v in _sustained(gate.check, misses, log.flush).items():
            rows.setdefault(f"sustained audited miss {k}", []).append(v)
    log.close()
    latency = {k: round(statistics.median(v), 2) for k, v in rows.items()}
    for k in ("wall", "cpu"):
        latency[f"audit overhead per check, sustained ({k})"] = round(
            latency[f"sustained audited miss {k}"] - latency[f"sustained plain miss {k}"], 2
        )
    out["check_us"] = latency

    entry_log = hotlist.AuditLog(folder / "entry", secret=secret, sync="entry")
    hl.audit = entry_log
    gate_e = hl.session(operator="bench", role="frontline", purpose="benchmark", post="LAB")
    got = _latencies(gate_e.check, misses[:500])
    entry_log.close()
    out["check_us"]["audited miss sync=entry wall p50"] = round(got["wall p50"], 1)
    out["check_us"]["audited miss sync=entry wall p99"] = round(got["wall p99"], 1)

    manifest = pa.table({"document": [f"M{n:08d}" for n in rng.integers(0, 10**8, args.batch)]})
    batch_log = hotlist.AuditLog(folder / "batch", secret=secret)
    hl.audit = batch_log
    gate_b = hl.session(operator="bench", role="analyst", purpose="benchmark", post="LAB")

    def audited_many() -> None:
        gate_b.check_many(manifest)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        batch_log.flush()  # the writer's share: format, hash and chain the rows, write, fsync
        timing.setdefault("flush wall", []).append(time.perf_counter() - wall0)
        timing.setdefault("flush cpu", []).append(time.process_time() - cpu0)

    timing: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, run in (("plain", lambda: hl.check_many(manifest)), ("audited", audited_many)):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            run()
            timing.setdefault(f"{name} wall", []).append(time.perf_counter() - wall0)
            timing.setdefault(f"{name} cpu", []).append(time.process_time() - cpu0)
    batch_log.close()
    med = {k: statistics.median(v) for k, v in timing.items()}
    out["check_many"] = {"rows": args.batch}
    for k in ("wall", "cpu"):
        out["check_many"][f"plain rows/s ({k})"] = round(args.batch / med[f"plain {k}"])
        out["check_many"][f"audited rows/s, entries written ({k})"] = round(
            args.batch / med[f"audited {k}"]
        )
        extra = max(1e-9, med[f"audited {k}"] - med[f"plain {k}"])
        out["check_many"][f"audit logging alone rows/s ({k})"] = round(args.batch / extra)
        out["check_many"][f"writer alone (flush) rows/s ({k})"] = round(
            args.batch / med[f"flush {k}"]
        )

    # The log to verify is written straight through the log's bulk path (the rows of
    # check_many calls without running the checks), so its size does not depend on
    # how fast check_many is on this machine.
    big = hotlist.AuditLog(folder / "verify", secret=secret)
    ctx = hotlist.audit.SessionContext("bench", "analyst", "benchmark", "LAB", "s-verify")
    per = min(args.verify_entries, 100_000)
    written = 0
    while written < args.verify_entries:
        docs_col: list[Any] = [f"V{n:08d}" for n in range(written, written + per)]
        big.record(
            "batch",
            BatchData(ctx, {"document": docs_col}, per, {}, set(), {}, {}, 1000, "v", "m"),
        )
        big.flush()
        written += per
    big.close()
    times, cpu = [], []
    report = None
    for _ in range(args.rounds):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        report = hotlist.audit.verify(folder / "verify")
        times.append(time.perf_counter() - wall0)
        cpu.append(time.process_time() - cpu0)
    assert report is not None and report.ok, report
    size = sum(p.stat().st_size for p in (folder / "verify").glob("*.log"))
    out["verify"] = {
        "entries": report.entries,
        "bytes": size,
        "entries/s (wall)": round(report.entries / statistics.median(times)),
        "entries/s (cpu)": round(report.entries / statistics.median(cpu)),
        "bytes per entry": round(size / report.entries),
    }

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

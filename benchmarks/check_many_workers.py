"""check_many name rows per second with ``workers=N`` (issue 11: >= 5,000 name rows/s on 2 cores).

    .venv/bin/python benchmarks/check_many_workers.py --persons 1M --workers 2 --rounds 2

On the person dev set (``person_recall.py``'s, cached under ``benchmarks/data/``):
the persons are built once and saved as a snapshot (``--snapshot``, kept for the
next run), which is opened as a user would (memory-mapped); then, back to back
in one process, ``check_many`` over the dev set's name rows with ``workers=1`` and
with ``workers=N``, alternating, ``--rounds`` times.  Reported per run: wall rows/s,
CPU of this process and of the worker processes (``/proc``), and whether the
table equals the one-process one.  Also the workers' start-up (spawn, import,
open the snapshot) and, with ``--startup-from-tables``, the start-up of a
Hotlist built from tables (the temporary snapshot it saves first).

Wall figures on a shared machine depend on its load: the load average is
reported with them.  Rows repeat across rounds (the dev set has 1,500), so the
caches of later rounds are warmer; workers=1 and workers=N see the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import hotlist  # noqa: E402
import person_recall  # noqa: E402
from hotlist._batch_snapshot import worker_snapshot  # noqa: E402
from hotlist._batch_workers import Workers  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pids: list[int]) -> float:
    """user + system CPU seconds of the processes ``pids`` so far."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _rss_mb(pid: int) -> dict[str, float]:
    """Resident memory of process ``pid``: all, anonymous (its own) and file-backed
    (the memory-mapped snapshot, shared between processes), in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def _pids(workers: Workers | None) -> list[int]:
    executor = None if workers is None else workers._executor
    return [] if executor is None else list(executor._processes or {})


def _run(hl: hotlist.Hotlist, table: pa.Table, n: int) -> tuple[pa.Table, dict[str, float]]:
    workers = Workers.of(hl._state, n, worker_snapshot) if n > 1 else None
    pids = _pids(workers)
    w0, c0, k0 = time.perf_counter(), time.process_time(), _cpu_of(pids)
    out = hl.check_many(table, workers=n)
    wall = time.perf_counter() - w0
    cpu, kids = time.process_time() - c0, _cpu_of(pids) - k0
    rows = table.num_rows
    return out, {
        "workers": n,
        "wall_s": round(wall, 2),
        "rows_per_s_wall": round(rows / wall),
        "cpu_s_this_process": round(cpu, 2),
        "cpu_s_worker_processes": round(kids, 2),
        "rows_per_cpu_s_all_processes": round(rows / (cpu + kids)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _startup(hl: hotlist.Hotlist, n: int) -> dict[str, float]:
    t = time.perf_counter()
    workers = Workers.of(hl._state, n, worker_snapshot)
    assert workers is not None
    ok = workers.wait(600)
    return {
        "ready": ok,
        "wall_s": round(time.perf_counter() - t, 2),
        "cpu_s_worker_processes": round(_cpu_of(_pids(workers)), 2),
        "temporary_snapshot": bool(workers._temp),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", default="1M")
    parser.add_argument("--queries", type=int, default=1200)
    parser.add_argument("--innocents", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=0, help="first ROWS name rows (0: all)")
    parser.add_argument("--snapshot", type=Path, default=None, help="default: /tmp/hotlist-bench-…")
    parser.add_argument("--startup-from-tables", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    n = bench_data.parse_scale(args.persons)
    persons, queries, _ = person_recall.devdata(n, args.queries, args.innocents, args.seed)
    snap = args.snapshot or Path(f"/tmp/hotlist-bench-persons-{n}-s{args.seed}")
    result: dict[str, object] = {"command": " ".join(sys.argv), "persons": n}
    if not (snap / "manifest.json").exists() or args.startup_from_tables:
        built = hotlist.Hotlist.from_tables(persons=persons, progress=False)
        if not (snap / "manifest.json").exists():
            built.save(snap)
        if args.startup_from_tables:
            result["startup_from_tables"] = _startup(built, args.workers)
        del built
    t, c = time.perf_counter(), time.process_time()
    hl = hotlist.open(snap)
    result["open"] = {
        "wall_s": round(time.perf_counter() - t, 2),
        "cpu_s": round(time.process_time() - c, 2),
    }
    rows = [q.query for q in queries]
    rows = rows[: args.rows] if args.rows else rows
    table = pa.table({k: [r.get(k) for r in rows] for k in ("name", "dob", "nationality", "sex")})
    result["rows"] = len(rows)
    warm = table.slice(0, min(300, len(rows)))
    hl.check_many(warm)
    result["startup"] = _startup(hl, args.workers)
    hl.check_many(warm, workers=args.workers)
    runs = []
    for _ in range(args.rounds):
        one, r1 = _run(hl, table, 1)
        many, rn = _run(hl, table, args.workers)
        rn["equal_to_workers_1"] = many.equals(one)
        runs += [r1, rn]
        print(json.dumps(r1), json.dumps(rn), sep="\n", flush=True)
    result["runs"] = runs
    result["memory_mb"] = {
        "this_process": _rss_mb(os.getpid()),
        "worker_processes": [
            _rss_mb(p) for p in _pids(Workers.of(hl._state, args.workers, worker_snapshot))
        ],
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()

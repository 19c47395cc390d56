"""Timing, throughput, memory and machine facts for the benchmark suites.

Latency is measured per call: ``time.perf_counter_ns()`` around each call in a
loop over the query mix (after a warm-up), reported as p50 / p90 / p99 / p99.9
in microseconds.  The timer's own cost (``timer_ns``, tens of nanoseconds) is
included in every sample and reported next to them.  A loop stops when its
time budget is spent, so a slow alternative (a DuckDB point query, a fuzzy
scan) is measured on fewer queries; ``n`` says how many.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "Results",
    "latency",
    "machine_info",
    "rss_bytes",
    "throughput",
    "timer_overhead_ns",
]

Q = TypeVar("Q")
ROOT = Path(__file__).resolve().parent.parent


def timer_overhead_ns(samples: int = 20_000) -> float:
    """Median cost of one ``perf_counter_ns()`` pair, in nanoseconds."""
    pc = time.perf_counter_ns
    ts = np.empty(samples, dtype=np.int64)
    for i in range(samples):
        a = pc()
        ts[i] = pc() - a
    return float(np.median(ts))


def summarise(ns: np.ndarray) -> dict[str, float]:
    """Percentiles of per-call times (ns in) in microseconds."""
    if len(ns) == 0:
        return {"n": 0}
    us = ns / 1e3
    p50, p90, p99, p999 = np.percentile(us, [50, 90, 99, 99.9]).tolist()
    return {
        "n": len(ns),
        "p50_us": round(p50, 3),
        "p90_us": round(p90, 3),
        "p99_us": round(p99, 3),
        "p999_us": round(p999, 3),
        "mean_us": round(float(us.mean()), 3),
        "max_us": round(float(us.max()), 3),
    }


def latency(
    call: Callable[[Q], Any],
    queries: Sequence[Q],
    *,
    budget_s: float = 20.0,
    warmup: int = 200,
    classify: Callable[[Q, Any], str] | None = None,
) -> dict[str, Any]:
    """Per-call latency of ``call`` over ``queries`` (in order, once each), within
    ``budget_s`` seconds; with ``classify(query, answer)``, also how many answers
    fell in each class ("hit", "miss", "edit:found"...), counted outside the timing."""
    pc = time.perf_counter_ns
    for q in queries[: min(warmup, len(queries))]:
        call(q)
    ts = np.empty(len(queries), dtype=np.int64)
    outcomes: dict[str, int] = {}
    labels: list[str] = []
    deadline = pc() + int(budget_s * 1e9)
    done = 0
    for q in queries:
        a = pc()
        out = call(q)
        b = pc()
        ts[done] = b - a
        done += 1
        if classify is not None:
            label = classify(q, out)
            outcomes[label] = outcomes.get(label, 0) + 1
            labels.append(label)
        if b > deadline:
            break
    result: dict[str, Any] = summarise(ts[:done])
    if classify is not None:
        result["outcomes"] = dict(sorted(outcomes.items()))
        # the same percentiles per class (a miss and a hit take different paths)
        kinds = np.array(labels)
        result["by_outcome"] = {k: summarise(ts[:done][kinds == k]) for k in sorted(outcomes)}
    return result


def throughput(
    call: Callable[[Q], Any], queries: Sequence[Q], *, threads: int, seconds: float = 3.0
) -> dict[str, float]:
    """Calls per second with ``threads`` threads, each going round the query mix from
    its own offset for ``seconds``."""
    if not queries:
        return {"threads": threads, "calls_per_s": 0.0}
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def worker(t: int) -> None:
        i = t * len(queries) // threads
        n = 0
        start.wait()
        while not stop.is_set():
            for _ in range(50):
                call(queries[i % len(queries)])
                i += 1
            n += 50
        counts[t] = n

    workers = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    return {"threads": threads, "calls_per_s": round(sum(counts) / elapsed, 1)}


def rss_bytes() -> dict[str, int]:
    """Resident set size now and at its peak (Linux ``/proc/self/status``)."""
    out = {"rss": 0, "hwm": 0}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    out["rss"] = int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    out["hwm"] = int(line.split()[1]) * 1024
    except OSError:  # not Linux: fall back to the peak from resource
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["rss"] = out["hwm"] = peak * (1 if sys.platform == "darwin" else 1024)
    return out


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info() -> dict[str, Any]:
    """CPU, cores, RAM, OS, Python and library versions, git commit, date."""
    versions = {}
    for dist in ("hotlist", "pyarrow", "numpy", "duckdb", "rapidfuzz", "pytest-benchmark"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", "src")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_bytes": _ram_bytes(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "versions": versions,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "src_modified": bool(dirty) if dirty is not None else None,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _merge(into: dict[str, Any], value: dict[str, Any]) -> None:
    for k, v in value.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


class Results:
    """What a run measured, by section and case, written as JSON at the end."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.meta = meta
        self.sections: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def record(self, section: str, case: str, value: dict[str, Any]) -> None:
        with self._lock:
            _merge(self.sections.setdefault(section, {}).setdefault(case, {}), value)

    def as_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, **self.sections}

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=False) + "\n")
        tmp.replace(path)


def sqlite_documents(compact: Any, countries: Any, *, check_same_thread: bool = True) -> Any:
    """An in-memory SQLite table of (compacted number, country, row), indexed on
    (number, country): the alternative a user would otherwise build."""
    import sqlite3

    con = sqlite3.connect(":memory:", check_same_thread=check_same_thread)
    con.execute("CREATE TABLE documents (number TEXT, country TEXT, row INTEGER)")
    step = 500_000
    for start in range(0, len(compact), step):
        n = compact.slice(start, step).to_pylist()
        c = countries.slice(start, step).to_pylist()
        con.executemany(
            "INSERT INTO documents VALUES (?, ?, ?)",
            zip(n, c, range(start, start + len(n)), strict=True),
        )
    con.execute("CREATE INDEX documents_key ON documents (number, country)")
    con.commit()
    return con

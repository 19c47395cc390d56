"""How ``bench_scale.py`` measures: the CPU time of every process of a run (from
``/proc``), RSS, wall time, and the median of repeated runs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children) from /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # after the name: state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based
    ticks = sum(int(f) for f in fields[11:15])
    return int(fields[1]), ticks / _TICK


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def cpu_tree(workers: set[int] | None = None) -> dict[str, float]:
    """CPU seconds used so far by this process and every process below it, by role:
    ``driver`` (this process: the client, Dask's scheduler, Spark's Py4J side),
    ``workers`` (the Python processes that run the checks: pids in ``workers``,
    or Spark's ``pyspark.daemon`` / ``pyspark.worker`` processes), ``jvm`` (Spark's
    Java process) and ``other`` (Dask's nannies...).  Each live process counts its
    own time and that of its children that have exited, so the difference of two
    calls is what the whole tree spent between them."""
    me = os.getpid()
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                parent[int(entry.name)], cpu[int(entry.name)] = stat
    below = {me}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if ppid in below and pid not in below:
                below.add(pid)
                grew = True
    out = {"driver": 0.0, "workers": 0.0, "jvm": 0.0, "other": 0.0}
    for pid in below:
        if pid == me:
            role = "driver"
        elif workers is not None and pid in workers:
            role = "workers"
        else:
            cmd = _cmdline(pid)
            if "pyspark.daemon" in cmd or "pyspark.worker" in cmd:
                role = "workers"
            elif cmd.split(" ", 1)[0].endswith("java"):
                role = "jvm"
            else:
                role = "other"
        out[role] += cpu.get(pid, 0.0)
    return out


def cpu_spent(before: dict[str, float], after: dict[str, float], rows: int) -> dict[str, Any]:
    """CPU seconds each role spent between two :func:`cpu_tree` calls, and per row."""
    spent = {k: round(after[k] - before[k], 3) for k in after}
    total = sum(spent.values())
    return {
        "cpu_s": spent,
        "cpu_total_s": round(total, 3),
        "cpu_us_per_row": round(total / rows * 1e6, 4),
        "workers_cpu_us_per_row": round(spent["workers"] / rows * 1e6, 4),
    }


def clear_caches() -> None:
    """Empty hotlist's in-process caches (name matching remembers its pure
    functions' results), so that a run does not find the rows an earlier run in
    this process checked already answered."""
    for name, module in list(sys.modules.items()):
        if name.startswith("hotlist.") and module is not None:
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and not isinstance(value, type):
                    clear()


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median CPU per row, and every run's figures beside it."""
    ranked = sorted(runs, key=lambda r: r["cpu_us_per_row"])
    best = dict(ranked[(len(ranked) - 1) // 2])
    best["repeats"] = [
        {k: r[k] for k in ("seconds", "cpu_us_per_row", "workers_cpu_us_per_row") if k in r}
        for r in runs
    ]
    return best


def idle_cpu(workers: set[int], seconds: float) -> dict[str, float]:
    """CPU seconds per wall second that the process tree spends while no job runs
    (``seconds`` of sleep): an engine's housekeeping (Dask: heartbeats, the system
    monitor, the workers' statistical profiler; the scheduler in this process),
    which grows with a job's wall time, not with its rows."""
    before = cpu_tree(workers)
    started = time.perf_counter()
    time.sleep(seconds)
    after = cpu_tree(workers)
    wall = time.perf_counter() - started
    return {k: round((after[k] - before[k]) / wall, 4) for k in after}


def beyond_idle(run: dict[str, Any], idle: dict[str, float], rows: int) -> dict[str, Any]:
    """``run``'s CPU per row less what the idle tree would have spent in the run's wall
    time (``idle`` from :func:`idle_cpu`): the rows' own cost, and the housekeeping
    apart.  Arithmetic on two measurements, labelled as such in the results."""
    housekeeping = sum(idle.values()) * run["seconds"]
    return {
        "idle_cpu_s_per_s": idle,
        "housekeeping_us_per_row": round(housekeeping / rows * 1e6, 4),
        "cpu_us_per_row_beyond_idle": round(run["cpu_us_per_row"] - housekeeping / rows * 1e6, 4),
    }


def warm_runs(
    job: Callable[[], tuple[int, int]], n: int, repeat: int, workers: Callable[[], set[int]]
) -> dict[str, Any]:
    """``job`` run ``repeat`` times (a fresh plan each time), timed by wall clock and by
    the CPU the whole process tree spent (:func:`cpu_tree`); the median run."""
    runs = []
    for _ in range(repeat):
        pids = workers()
        before = cpu_tree(pids)
        seconds, (hits, rows) = timed(job)
        run = {"seconds": seconds, "rows_per_s": n / seconds, "hits": int(hits)}
        run["output_rows"] = int(rows)
        runs.append(run | cpu_spent(before, cpu_tree(pids), n))
    return median_run(runs)

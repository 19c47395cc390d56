"""Dask: ``hotlist.dask.check_dataframe`` on a local cluster of worker processes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scale_manifests import manifest_rows
from scale_measure import beyond_idle, idle_cpu, timed, warm_runs

# --engines names of the Dask runs: as called, hits_only=True, the workers' profiler off
DASK_WAYS = ("dask", "dask_hits", "dask_noprofile")


def run_dask(
    snapshot: Path,
    path: Path,
    workers: int,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    repeat: int = 3,
    cold_path: Path | None = None,
    profile: bool = True,
    hits_only: bool = False,
) -> dict[str, Any]:
    """The cold run (workers import hotlist, open the snapshot) over ``cold_path``
    when given (names: other rows, so that the warm runs do not find the name
    caches filled with their own rows), then ``repeat`` warm runs over ``path``.
    ``profile=False``: the workers start with Dask's statistical profiler off
    (``distributed.worker.profile.enabled``: it walks the task thread's stack every
    10 ms, in Python, holding the GIL).  ``hits_only``: ``check_dataframe(...,
    hits_only=True)`` (the misses dropped in the workers).  Then the idle cluster's
    CPU a wall second (:func:`scale_measure.idle_cpu`), and the median run's CPU per
    row beyond it (``cpu_us_per_row_beyond_idle``: arithmetic, labelled so)."""
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import hotlist.dask

    with dask.config.set({"distributed.worker.profile.enabled": profile}):
        start_s, cluster = timed(
            lambda: LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        )
    client = Client(cluster)
    try:
        ddf = dd.read_parquet(str(path))

        def job(source: Path = path) -> tuple[int, int]:
            # a new graph each time; its results are released once gathered
            frame = ddf if source == path else dd.read_parquet(str(source))
            # (hits_only only when asked: a "before" hotlist has no such argument)
            extra = {"hits_only": True} if hits_only else {}
            out = hotlist.dask.check_dataframe(
                frame, str(snapshot), columns=columns, **extra, **options
            )
            hits, rows = client.compute([out["hit"].sum(), out["query_index"].count()], sync=True)
            return int(hits), int(rows)

        # first: workers import hotlist and open the snapshot; then warm (both cached)
        first_s, _ = timed(lambda: job(cold_path or path))
        n = manifest_rows(path)
        pids = lambda: set(client.run(os.getpid).values())  # noqa: E731
        runs = warm_runs(job, n, repeat, pids)
        # the cluster's housekeeping, idle, over as many seconds (at most 10): it
        # grows with the wall time (on a busy machine, with the load), not the rows
        idle = idle_cpu(pids(), min(10.0, max(3.0, runs["seconds"])))
        return (
            runs
            | beyond_idle(runs, idle, n)
            | {
                "rows": n,
                "first_run_s": first_s,
                "startup_s": start_s,
                "partitions": ddf.npartitions,
                "worker_profiler": profile,
                "hits_only": hits_only,
            }
        )
    finally:
        client.close()
        cluster.close()

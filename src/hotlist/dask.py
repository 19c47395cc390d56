"""The same checks on Dask: ``check_dataframe`` over a Dask DataFrame, via ``map_partitions``::

    import dask.dataframe as dd
    import hotlist.dask

    manifest = dd.read_parquet("manifests/2026-11-30/")
    hits = hotlist.dask.check_dataframe(
        manifest, "/data/hotlist/snapshots/2026-11-30", columns={"doc_no": "document"})
    hits[hits.hit].to_parquet("hits/")

Needs the extra: ``pip install 'hotlist[dask]'`` (dask[dataframe] and
distributed).  This module is ``hotlist.dask``; it imports the real ``dask``
package by absolute import, so the two never shadow each other.

The snapshot reaches the workers as in :mod:`hotlist.spark`: each task carries
the snapshot's path, the driver's manifest digest, the mapping and the options;
every worker process opens the folder at that path once, memory-mapped
(:func:`hotlist._stream.worker_hotlist`), and reuses it for every later
partition, threads included.  The folder must be at that path on every worker
machine (a local copy per node, or a shared read-only mount).

Output: a Dask DataFrame with ``check_many``'s columns (query columns as
text) and every other input column passed through with its own dtype, in the
input's order; ``meta`` is computed up front, so nothing runs until you compute.
``query_index`` is the partition number times 2**33 plus the row's place in its
partition (as in :mod:`hotlist.spark`); each partition's index is a fresh
RangeIndex.  ``reasons`` and ``warnings`` are Arrow-backed list columns
(``pd.ArrowDtype``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from hotlist._errors import InvalidQuery
from hotlist._stream import (
    _empty_hotlist,
    _validate_columns,
    check_many_mapped,
    log_event,
    manifest_digest,
    query_names,
    worker_hotlist,
)

__all__ = ["INSTALL_HINT", "check_dataframe", "check_pandas"]

INSTALL_HINT = "hotlist.dask needs dask: pip install 'hotlist[dask]'"
PARTITION_SHIFT = 33


def _require_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc


def _arrow_lists(typ: pa.DataType) -> Any:
    """Lists (reasons, warnings) stay Arrow-backed in pandas (``pd.ArrowDtype``): making
    a Python list per row would cost as much as the check itself."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.ArrowDtype(typ) if pa.types.is_list(typ) else None


def check_pandas(
    hl: Any,
    frame: Any,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
) -> Any:
    """``check_many`` over one pandas DataFrame in ``check_many``'s layout: the
    query columns go to ``check_many``, every other column is taken from
    ``frame`` itself by ``query_index``, so it keeps its pandas dtype exactly
    (the same in every partition and in ``meta``)."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    mapping = _validate_columns(columns)
    frame = frame.reset_index(drop=True)
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names):
        raise InvalidQuery("the DataFrame has repeated column names; rename them")
    frame.columns = names
    queries = query_names(names, mapping)
    result = check_many_mapped(
        hl, frame[queries], {k: v for k, v in mapping.items() if k in queries}, options
    ).to_pandas(types_mapper=_arrow_lists)
    local = result["query_index"].to_numpy()
    passed = frame.iloc[local].reset_index(drop=True)
    out: dict[str, Any] = {"query_index": local + offset}
    for name in names:
        out[name] = result[name] if name in queries else passed[name]
    for name in result.columns:
        if name != "query_index" and name not in queries:
            if name in out:
                raise InvalidQuery(
                    f"check_many(): column {name!r} has the name of a result column; rename it"
                )
            out[name] = result[name]
    return pd.DataFrame(out)


@dataclass(frozen=True)
class _Task:
    """What each partition's task carries (pickled by reference: no Hotlist inside)."""

    path: str
    digest: str | None
    columns: dict[str, str | None]
    options: dict[str, Any]
    verify: bool
    public_key: Any

    def __call__(self, part: Any, partition_info: dict[str, Any] | None = None) -> Any:
        hl = worker_hotlist(
            self.path, expected_digest=self.digest, verify=self.verify, public_key=self.public_key
        )
        number = int(partition_info["number"]) if partition_info else 0
        out = check_pandas(hl, part, self.columns, self.options, offset=number << PARTITION_SHIFT)
        log_event("part", len(part))
        return out


def check_dataframe(
    ddf: Any,
    snapshot: str | os.PathLike[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    verify: bool = False,
    public_key: Any = None,
    **options: Any,
) -> Any:
    """Check every row of the Dask DataFrame ``ddf`` against the snapshot at
    ``snapshot`` (at that path on every worker); a new Dask DataFrame, lazily.

    ``columns``, ``options``, ``verify`` and ``public_key`` as in
    :func:`hotlist.spark.check_dataframe`.  A bad mapping, option or column type
    raises :class:`hotlist.InvalidQuery` here, before anything is computed.
    """
    _require_dask()
    path = os.fspath(snapshot)
    digest = manifest_digest(path) if os.path.isdir(path) else None
    mapping = _validate_columns(columns)
    meta = check_pandas(_empty_hotlist(), ddf._meta, mapping, options)
    task = _Task(path, digest, mapping, dict(options), verify, public_key)
    return ddf.map_partitions(
        task,
        meta=meta,
        align_dataframes=False,
    ).clear_divisions()

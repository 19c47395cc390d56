"""The manifests ``bench_scale.py`` checks: documents and names, as folders of
Parquet files under ``benchmarks/data/`` (made once, kept)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import bench_data
from hotlist import synth

ROW_GROUP = 1_000_000
DOC_COLUMNS = {"doc_no": "document", "issuer": "country"}


def _file_rows(rows: int) -> int:
    """Rows per file: 1 M, or fewer so that a small manifest still has 4 files (the
    engines read one partition per file, and need several to use every worker)."""
    return max(1, min(ROW_GROUP, -(-rows // 4)))


def document_manifest(path: Path, rows: int, docs: pa.Table, seed: int) -> Path:
    """``rows`` document checks as a folder of Parquet files, written one at a time."""
    if (path / "_DONE").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 15])
    per_file = _file_rows(rows)
    done = 0
    while done < rows:
        n = min(per_file, rows - done)
        fresh = synth.documents(n, seed * 1_000 + done // per_file + 17)
        numbers = fresh.column("document_number").combine_chunks()
        issuers = fresh.column("issuing_country").cast(pa.string()).combine_chunks()
        hits = rng.choice(n, size=max(1, n // 15_000), replace=False)
        listed = rng.choice(docs.num_rows, size=len(hits), replace=False)
        mask = np.zeros(n, dtype=bool)
        mask[hits] = True
        src = np.zeros(n, dtype=np.int64)
        src[hits] = listed
        take = pa.array(src)
        numbers = pc.if_else(
            pa.array(mask), docs.column("document_number").take(take).combine_chunks(), numbers
        )
        issuers = pc.if_else(
            pa.array(mask),
            docs.column("issuing_country").cast(pa.string()).take(take).combine_chunks(),
            issuers,
        )
        table = pa.table(
            {
                "passenger_id": pa.array(np.arange(done, done + n, dtype=np.int64)),
                "doc_no": numbers,
                "issuer": issuers,
                "flight": pa.array(rng.integers(0, 5000, n)).cast(pa.string()),
            }
        )
        pq.write_table(table, path / f"part-{done // per_file:05d}.parquet", compression="zstd")
        done += n
    (path / "_DONE").write_text(str(rows))
    return path


def manifest_rows(path: Path) -> int:
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def name_queries(rows: int, persons: pa.Table, seed: int) -> list[bench_data.PersonQuery]:
    """``rows`` distinct name checks (name + date of birth) in ``bench_data.person_mix``'s
    proportions (20 % variants of listed persons, 80 % innocent travellers), from as
    many mixes of other seeds as it takes: one mix runs dry of innocents at ~2,600
    (most synthetic names are listed names), so each mix gives its innocents and a
    quarter as many of its listed variants, and a query already drawn is skipped.
    No row repeats another: ``check_many`` answers identical rows once, and the
    per-process name caches remember the names a process has met, so a repeated mix
    makes a long manifest look cheaper than distinct travellers (and Dask's
    partitions, each meeting its names afresh, look dearer)."""
    normalised = set(bench_data.listed_names(persons)[0])
    out: list[bench_data.PersonQuery] = []
    seen: set[tuple[str, str | None]] = set()
    draw = 0
    while len(out) < rows:
        mix = bench_data.person_mix(persons, 20_000, seed + 7_919 * draw, normalised=normalised)
        draw += 1
        innocents = [q for q in mix if q.kind == "innocent"]
        listed = [q for q in mix if q.kind != "innocent"][: max(1, len(innocents) // 4)]
        # the mix's order is random already; keep it, innocents and variants interleaved
        keep = {id(q) for q in innocents + listed}
        for q in mix:
            if id(q) in keep and (q.name, q.dob) not in seen:
                seen.add((q.name, q.dob))
                out.append(q)
    return out[:rows]


def name_manifest(path: Path, rows: int, persons: pa.Table, seed: int) -> Path:
    """``rows`` distinct name checks (:func:`name_queries`) as a folder of Parquet files."""
    if (path / "_DONE").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    queries = name_queries(rows, persons, seed)
    table = pa.table(
        {
            "passenger_id": pa.array(np.arange(rows, dtype=np.int64)),
            "name": pa.array([q.name for q in queries], pa.string()),
            "dob": pa.array([q.dob for q in queries], pa.string()),
        }
    )
    per_file = _file_rows(rows)
    for i, start in enumerate(range(0, rows, per_file)):
        pq.write_table(table.slice(start, per_file), path / f"part-{i:05d}.parquet")
    (path / "_DONE").write_text(str(rows))
    return path

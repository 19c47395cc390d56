"""Data age from the extract itself (issue 9 point 10), through the real load path:
a copied file must not make old data look fresh."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lifecycle_helpers import write_delta

import hotlist

OLD = dt.datetime(2026, 1, 10, 6, 0, tzinfo=dt.UTC)


def _parquet_with_time(sample: hotlist.Hotlist, path: Path, when: str | None) -> Path:
    table = sample.tables["documents"]
    plain = pa.table(
        {
            f.name: table.column(f.name).cast(
                f.type.value_type if pa.types.is_dictionary(f.type) else f.type
            )
            for f in table.schema
        }
    )
    if when is not None:
        plain = plain.replace_schema_metadata({"data_time": when})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(plain, path)
    return path


def test_parquet_metadata_time_survives_a_copy(sample: hotlist.Hotlist, tmp_path: Path) -> None:
    original = _parquet_with_time(sample, tmp_path / "a" / "documents.parquet", OLD.isoformat())
    os.utime(original, (time.time() - 400 * 86400,) * 2)
    copy = tmp_path / "b" / "documents.parquet"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)  # a fresh modification time
    hl = hotlist.load(copy.parent, progress=False, max_age=dt.timedelta(days=2))
    assert hl.data_time == OLD
    stats = hl.stats()
    assert stats["data_time_source"] == "extract metadata"
    assert stats["stale"] is True
    assert any("old" in w for w in hl.check(document="X1234567").warnings)
    # ... and through a snapshot.
    opened = hotlist.open(hl.save(tmp_path / "snap"))
    assert opened.data_time == OLD
    assert opened.stats()["data_time_source"] == "extract metadata"


def test_sidecar_extract_json(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "x"))
    (folder / "extract.json").write_text(json.dumps({"data_time": "2026-01-10T06:00:00Z"}))
    hl = hotlist.load(folder, progress=False)
    assert hl.data_time == OLD
    assert hl.stats()["data_time_source"] == "extract.json"


def test_only_file_times_are_said_so(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "x"))
    files = [p for p in folder.iterdir() if p.is_file()]
    for i, p in enumerate(files):
        os.utime(p, (OLD.timestamp() + i * 3600,) * 2)
    hl = hotlist.load(folder, progress=False)
    assert hl.data_time == OLD  # the oldest file: one stale list is not hidden
    assert "file modification time" in hl.stats()["data_time_source"]
    assert "copied file looks fresh" in hl.stats()["data_time_source"]


def test_explicit_data_time_wins(sample: hotlist.Hotlist, tmp_path: Path) -> None:
    path = _parquet_with_time(sample, tmp_path / "documents.parquet", "2025-05-05T00:00:00Z")
    hl = hotlist.load(documents=path, data_time=OLD, progress=False)
    assert hl.data_time == OLD and hl.stats()["data_time_source"] == "argument"
    hl = hotlist.load(documents=path, data_time="2026-01-10T06:00:00", progress=False)
    assert hl.data_time == OLD  # no zone: UTC
    with pytest.raises(hotlist.ExtractError, match="ISO 8601"):
        hotlist.load(documents=path, data_time="last tuesday", progress=False)


def test_bad_metadata_time_names_the_file(sample: hotlist.Hotlist, tmp_path: Path) -> None:
    path = _parquet_with_time(sample, tmp_path / "documents.parquet", "soon")
    with pytest.raises(hotlist.ExtractError, match="ISO 8601") as info:
        hotlist.load(documents=path, progress=False)
    assert str(path) in str(info.value)


def test_delta_time_from_delta_json_and_never_backwards(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    hl = hotlist.load(hotlist.sample_data_path(), data_time=OLD, progress=False)
    rows = pa.table(
        {
            "record_id": ["T-1"],
            "document_number": ["QX1212121"],
            "issuing_country": ["FRA"],
            "document_type": ["passport"],
            "status": ["stolen"],
            "reported_on": pa.array([19800], pa.date32()),
        }
    )
    folder = tmp_path / "d"
    write_delta(folder / "documents.parquet", rows)
    (folder / "delta.json").write_text(json.dumps({"data_time": "2026-01-11T06:00:00Z"}))
    hl.apply(folder)
    assert hl.data_time == OLD + dt.timedelta(days=1)
    assert hl.stats()["data_time_source"] == "delta.json"
    write_delta(tmp_path / "e" / "documents.parquet", deletes=["T-1"])
    (tmp_path / "e" / "delta.json").write_text(json.dumps({"data_time": "2025-01-01T00:00:00Z"}))
    report = hl.apply(tmp_path / "e")
    assert report.applied
    assert hl.data_time == OLD + dt.timedelta(days=1)  # an older delta never ages it back
    assert any("older than the base" in n for n in hl.report.notes)

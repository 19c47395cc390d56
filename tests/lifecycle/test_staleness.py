"""Staleness: the data time comes from where load() really reads it (an explicit
``data_time=``, the extract's own metadata, an ``extract.json`` beside it, or the
file's modification time, said so); max_age then warns or refuses.  No private
hook sets the data time here."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import hotlist

DAY = dt.timedelta(days=1)


def _ago(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - days * DAY


@pytest.fixture
def extracts(tmp_path: Path) -> Path:
    """A copy of the sample extracts, written now (fresh file times)."""
    return Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "extracts"))


def _load(folder: Path, **kw: object) -> hotlist.Hotlist:
    return hotlist.load(folder, progress=False, **kw)  # type: ignore[arg-type]


def test_fresh_data_carries_no_warning(extracts: Path) -> None:
    hl = _load(extracts, data_time=_ago(1), max_age=dt.timedelta(days=2))
    r = hl.check(document="L898902C3", country="UTO")
    assert r.hit and r.warnings == [] and r.data_version == hl.data_version
    stats = hl.stats()
    assert stats["stale"] is False and stats["data_time_source"] == "argument"


def test_stale_data_warns_on_every_result(extracts: Path) -> None:
    hl = _load(extracts, data_time=_ago(3), max_age=dt.timedelta(days=2))
    for query in ({"document": "X1234567"}, {"document": "L898902C3"}, {"name": "Anna Eriksson"}):
        r = hl.check(**query)  # type: ignore[arg-type]
        assert any(w.startswith("hotlist data is 3 days old (max_age 2 days)") for w in r.warnings)
    table = hl.check_many([{"document": "X1234567"}, {"vin": "KP042788"}])
    assert all(any("max_age" in w for w in ws) for ws in table.column("warnings").to_pylist())
    stats = hl.stats()
    assert stats["stale"] is True and stats["max_age_seconds"] == 2 * 86400
    assert stats["data_age_seconds"] >= 3 * 86400 - 5
    assert hl.data_age >= dt.timedelta(days=3, seconds=-5)


def test_refuse_mode_raises(extracts: Path) -> None:
    hl = _load(extracts, data_time=_ago(3), max_age=86400, stale="refuse")
    with pytest.raises(hotlist.StaleDataError, match="3 days old") as info:
        hl.check(document="X1234567")
    assert isinstance(info.value, hotlist.HotlistError)
    with pytest.raises(hotlist.StaleDataError):
        hl.check_many([{"document": "X1234567"}])
    hl.set_max_age(None)
    assert hl.check(document="X1234567").warnings == []


def test_a_reload_of_fresh_data_clears_staleness(extracts: Path) -> None:
    hl = _load(extracts, data_time=_ago(3), max_age=dt.timedelta(days=2), stale="refuse")
    with pytest.raises(hotlist.StaleDataError):
        hl.check(document="X1234567")
    hl.reload(extracts, data_time=_ago(0))
    assert hl.check(document="X1234567").warnings == []


def test_data_time_from_the_extracts_metadata(extracts: Path) -> None:
    # A Parquet extract that says when it was current: copying it (fresh file time)
    # does not make it fresh.
    when = _ago(3)
    table = pacsv.read_csv(extracts / "documents.csv")
    (extracts / "documents.csv").unlink()
    meta = {b"data_time": when.isoformat().encode()}
    pq.write_table(table.replace_schema_metadata(meta), extracts / "documents.parquet")
    hl = _load(extracts, max_age=dt.timedelta(days=2))
    assert hl.data_time == when
    assert "extract metadata" in hl.stats()["data_time_source"]
    assert any("max_age" in w for w in hl.check(document="L898902C3").warnings)


def test_data_time_from_extract_json(extracts: Path) -> None:
    when = _ago(5)
    (extracts / "extract.json").write_text(json.dumps({"data_time": when.isoformat()}))
    hl = _load(extracts, max_age=dt.timedelta(days=2))
    assert hl.data_time == when
    assert "extract.json" in hl.stats()["data_time_source"]
    assert hl.stats()["stale"] is True


def test_without_a_data_time_the_file_times_count_and_say_so(extracts: Path) -> None:
    old = _ago(4).timestamp()
    for f in extracts.iterdir():
        if f.is_file():
            os.utime(f, (old, old))
    hl = _load(extracts, max_age=dt.timedelta(days=2))
    assert hl.data_time == dt.datetime.fromtimestamp(old, dt.UTC)
    assert "file modification time" in hl.stats()["data_time_source"]
    assert any("4 days old" in w for w in hl.check(document="X1234567").warnings)


def test_the_oldest_file_sets_the_data_time(extracts: Path) -> None:
    # one stale list is never hidden behind fresh ones
    old = _ago(6).timestamp()
    persons = next(extracts.glob("persons.*"))
    os.utime(persons, (old, old))
    hl = _load(extracts, max_age=dt.timedelta(days=2))
    assert hl.data_time == dt.datetime.fromtimestamp(old, dt.UTC)
    assert hl.stats()["stale"] is True


def test_bad_options() -> None:
    with pytest.raises(hotlist.InvalidQuery, match="max_age"):
        hotlist.load(hotlist.sample_data_path(), max_age=-1, progress=False)
    with pytest.raises(hotlist.InvalidQuery, match="stale"):
        hotlist.load(hotlist.sample_data_path(), stale="ignore", progress=False)


def test_a_table_round_trips_its_data_time_through_a_snapshot(
    extracts: Path, tmp_path: Path
) -> None:
    when = _ago(3)
    hl = _load(extracts, data_time=when)
    opened = hotlist.open(hl.save(tmp_path / "snap"), max_age=dt.timedelta(days=2))
    assert opened.data_time == when
    assert any("max_age" in w for w in opened.check(document="X1234567").warnings)

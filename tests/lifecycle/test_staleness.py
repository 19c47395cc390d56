"""Staleness: the data version and its age on results and stats; max_age warns or refuses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import hotlist


def _aged(hl: hotlist.Hotlist, days: float) -> hotlist.Hotlist:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    hl._install(dataclasses.replace(hl._state, data_time=old))
    return hl


@pytest.fixture
def hl(sample: hotlist.Hotlist) -> hotlist.Hotlist:
    return hotlist.Hotlist(sample._state)


def test_fresh_data_carries_no_warning(hl: hotlist.Hotlist) -> None:
    _aged(hl, 1)
    hl.set_max_age(dt.timedelta(days=2))
    r = hl.check(document="L898902C3", country="UTO")
    assert r.hit and r.warnings == [] and r.data_version == hl.data_version
    assert hl.stats()["stale"] is False


def test_stale_data_warns_on_every_result(hl: hotlist.Hotlist) -> None:
    _aged(hl, 3)
    hl.set_max_age(dt.timedelta(days=2))
    for query in ({"document": "X1234567"}, {"document": "L898902C3"}, {"name": "Anna Eriksson"}):
        r = hl.check(**query)  # type: ignore[arg-type]
        assert any(w.startswith("hotlist data is 3 days old (max_age 2 days)") for w in r.warnings)
    table = hl.check_many([{"document": "X1234567"}, {"vin": "KP042788"}])
    assert all(any("max_age" in w for w in ws) for ws in table.column("warnings").to_pylist())
    stats = hl.stats()
    assert stats["stale"] is True and stats["max_age_seconds"] == 2 * 86400
    assert stats["data_age_seconds"] >= 3 * 86400 - 5
    assert hl.data_age >= dt.timedelta(days=3, seconds=-5)


def test_refuse_mode_raises(hl: hotlist.Hotlist) -> None:
    _aged(hl, 3)
    hl.set_max_age(86400, stale="refuse")
    with pytest.raises(hotlist.StaleDataError, match="3 days old") as info:
        hl.check(document="X1234567")
    assert isinstance(info.value, hotlist.HotlistError)
    with pytest.raises(hotlist.StaleDataError):
        hl.check_many([{"document": "X1234567"}])
    hl.set_max_age(None)
    assert hl.check(document="X1234567").warnings == []


def test_a_swap_to_fresh_data_clears_staleness(hl: hotlist.Hotlist) -> None:
    _aged(hl, 3)
    hl.set_max_age(dt.timedelta(days=2), stale="refuse")
    fresh = dataclasses.replace(hl._state, data_time=dt.datetime.now(dt.UTC))
    hl._install(fresh)
    assert hl.check(document="X1234567").warnings == []


def test_bad_options() -> None:
    with pytest.raises(hotlist.InvalidQuery, match="max_age"):
        hotlist.load(hotlist.sample_data_path(), max_age=-1, progress=False)
    with pytest.raises(hotlist.InvalidQuery, match="stale"):
        hotlist.load(hotlist.sample_data_path(), stale="ignore", progress=False)

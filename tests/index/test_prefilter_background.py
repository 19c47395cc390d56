"""A large index builds its miss pre-filter in a background thread
(``KeyIndex.probe``, over ``BACKGROUND_KEYS`` keys): until it is ready the
answers come from the probe without it (the full one-edit search), and they are
the same answers -- for ``within_one_edit``, ``near_many`` and ``Hotlist.check``
through ``hotlist.load`` -- before and after; once it is ready the index and the
compiled miss check (``DocumentMiss``, told by ``filters_changed``) use it, and a
snapshot saved right after a load stores it.

The threshold is set to 0 here and the build held on an Event, so "before"
is certain, never a matter of timing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import _query
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MIN_SCORE
from hotlist.index import KeyIndex, _keyindex
from hotlist.index._keyindex import COMPILED
from hotlist.schema import DOCUMENTS_SCHEMA
from pipeline_answers import general, slots

kernel = pytest.importorskip("hotlist.index._prefilter_kernel", reason="compiled kernel not built")
pytestmark = pytest.mark.skipif(not COMPILED, reason="HOTLIST_PURE: no filter")


@contextmanager
def held_builds() -> Iterator[threading.Event]:
    """Every index builds its filter in the background (threshold 0), and each
    build waits for the Event before it starts (set on leaving)."""
    release = threading.Event()
    original = KeyIndex._build_in_background
    threshold = _keyindex.BACKGROUND_KEYS

    def held(self: KeyIndex) -> None:
        release.wait()
        original(self)

    KeyIndex._build_in_background = held  # type: ignore[method-assign]
    _keyindex.BACKGROUND_KEYS = 0
    try:
        yield release
    finally:
        release.set()
        KeyIndex._build_in_background = original  # type: ignore[method-assign]
        _keyindex.BACKGROUND_KEYS = threshold


def _finish(ix: KeyIndex) -> None:
    builder = ix._builder
    assert builder is not None
    builder.join()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), large=st.booleans())
def test_answers_before_and_after_the_build(data: st.DataObject, large: bool) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    queries = data.draw(st.lists(query_for(alphabet, keys, max_len=10), max_size=12))
    want = [rows_within_one(keys, q) for q in queries]
    want_near = [bool(w) for w in want]
    with held_builds() as release:
        ix = KeyIndex.build(arrow(keys, large))
        background = ix.n_indexed > 0  # an empty index builds its (empty) filter at once
        assert ix.probe().filtered != background
        assert [ix.within_one_edit(q).tolist() for q in queries] == want
        assert ix.near_many(arrow([*queries, None], large)).tolist() == [*want_near, False]
        generation = kernel.generation()
        release.set()
        if background:
            _finish(ix)
            assert kernel.generation() > generation
        assert ix.probe().filtered
        assert ix._filter is not None
        assert [ix.within_one_edit(q).tolist() for q in queries] == want
        assert ix.near_many(arrow([*queries, None], large)).tolist() == [*want_near, False]


def test_one_build_per_index() -> None:
    with held_builds() as release:
        ix = KeyIndex.build(pa.array(["AB12", "CD34", "EF56"]))
        first = ix.probe()
        assert not first.filtered
        assert ix.probe() is first  # the unfiltered probe is kept, not made again
        builder = ix._builder
        ix.within_one_edit("AB13")
        assert ix._builder is builder
        release.set()
        _finish(ix)
        assert ix.probe().filtered
        assert ix._builder is builder


def test_a_delta_during_the_build_makes_its_own_filter() -> None:
    with held_builds() as release:
        ix = KeyIndex.build(pa.array(["AB12", "CD34", "EF56"]))
        ix.probe()
        merged = ix.merged(np.array([True, False, True]), pa.array(["AB12", "EF56", "GH78"]))
        release.set()
        assert merged.within_one_edit("GH79").tolist() == [2]
        assert merged.within_one_edit("CD34").tolist() == []
        _finish(ix)
        if merged._builder is not None:
            _finish(merged)
        assert merged.probe().filtered
        assert merged.within_one_edit("GH79").tolist() == [2]


def _documents(path: Path, n: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """``n`` synthetic stolen passports in a Parquet extract: their numbers and issuers."""
    rng = np.random.default_rng(seed)
    chars = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"))
    numbers = ["".join(rng.choice(chars, 9)) for _ in range(n)]
    countries = rng.choice(["DEU", "FRA", "UTO", "ITA"], n).tolist()
    table = pa.table(
        {
            "record_id": [f"R{i}" for i in range(n)],
            "document_number": numbers,
            "issuing_country": countries,
            "document_type": ["passport"] * n,
            "status": ["stolen"] * n,
            "reported_on": [dt.date(2024, 3, 1)] * n,
            "reporting_country": [None] * n,
            "issued_on": [None] * n,
            "expires_on": [None] * n,
            "notes": [None] * n,
        }
    )
    pq.write_table(table.cast(DOCUMENTS_SCHEMA), path)
    return numbers, countries


def _queries(numbers: list[str], countries: list[str]) -> list[tuple[str, str | None]]:
    rng = np.random.default_rng(11)
    out: list[tuple[str, str | None]] = []
    for i in range(0, 300, 3):
        n, c = numbers[i], countries[i]
        j = int(rng.integers(0, len(n)))
        out += [(n, c), (n, None), (n[:j] + "Q" + n[j + 1 :], c), (n[:j] + n[j + 1 :], "FRA")]
        out += [(f"Q{i:08d}", c), (f"Q{i:08d}", None)]
    return out


def test_check_after_load_before_and_after_the_build(tmp_path: Path) -> None:
    numbers, countries = _documents(tmp_path / "documents.parquet", 3000)
    queries = _queries(numbers, countries)
    with held_builds() as release:
        hl = hotlist.load(documents=tmp_path / "documents.parquet", progress=False)
        index = hl._state.documents.index
        before = [hl.check(document=d, country=c) for d, c in queries]
        assert not index.probe().filtered  # every check above ran without the filter
        assert [slots(r) for r in before] == [
            slots(general(hl._state, {"document": d, "country": c})) for d, c in queries
        ]
        keys = index.keys.to_pylist()
        probes = [d for d, _ in queries]
        near = index.near_many(pa.array(probes)).tolist()
        assert near == [len(index.within_one_edit(q)) > 0 for q in probes]
        assert sum(near) and not all(near)
        miss = _query._FAST_MISS
        assert miss is not None
        asked = (hl._state, "Q12345678", "DEU", None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None)
        assert miss(*asked) is None  # no filter: the compiled check leaves it to the search
        release.set()
        _finish(index)
        assert index.probe().filtered
        # DocumentMiss bound the state's probes before: it binds the filtered one now
        told = miss(*asked)
        assert told is not None
        assert slots(told) == slots(hl.check(document="Q12345678", country="DEU"))
        after = [hl.check(document=d, country=c) for d, c in queries]
        assert [slots(r) for r in after] == [slots(r) for r in before]
        assert index.near_many(pa.array(probes)).tolist() == near
        assert index.keys.to_pylist() == keys


def test_snapshot_saved_right_after_load_has_the_filter(tmp_path: Path) -> None:
    _documents(tmp_path / "documents.parquet", 2000)
    with held_builds() as release:
        hl = hotlist.load(documents=tmp_path / "documents.parquet", progress=False)
        index = hl._state.documents.index
        index.probe()
        assert index._builder is not None and index._filter is None
        threading.Timer(0.2, release.set).start()  # save() must wait for the build
        hl.save(tmp_path / "snap")
        assert index._filter is not None
    opened = hotlist.open(tmp_path / "snap")._state.documents.index
    assert opened._filter is not None  # read back, not built again
    assert opened.probe().filtered
    assert opened._builder is None
    assert np.array_equal(opened._filter, index._filter)

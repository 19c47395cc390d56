"""The hit path's cheap objects answer exactly as the ones they replace.

- ``Hit`` is a frozen slotted class whose record may be read from the table on
  first access (``Hit.make(..., record=None, reader=, row=)``): such a hit is equal
  to the eagerly built, validated one (``Hit(**fields)``), in every field, its
  pydantic dump, JSON, pickle and copies, and it cannot be changed.
- ``RecordReader.view(row)`` (what a hit's id and action are read through) is
  the row's record dict as a mapping, and the action decided on it is the one
  decided on the whole record.
- ``Candidate.make`` is ``Candidate(...)``.
- A compact document number is its own compact form (the candidates' shortcut).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_records import tables

import firearms_kind
import hotlist
from hotlist import synth
from hotlist._decisions import action_for
from hotlist._documents import Candidate, PersonDocumentIndex
from hotlist._records import RecordReader
from hotlist.ids import docnum
from hotlist.schema import MATCH_LEVELS, CheckResultModel, Hit, HitModel
from registered_kind import firearms_extract

SEVERITIES = st.sampled_from(["alarm", "possible"])
DATASETS = st.sampled_from(["documents", "vehicles", "persons", "firearms"])


@st.composite
def lazy_and_eager(draw: st.DrawFn) -> tuple[Hit, Hit, pa.Table, int]:
    """One hit made lazily from a table row, the same hit made eagerly."""
    table = draw(tables())
    row = draw(st.integers(0, table.num_rows - 1))
    read = RecordReader(table)
    record = read(row)
    dataset = draw(DATASETS)
    record_id = str(record["record_id"])
    level = draw(st.sampled_from(MATCH_LEVELS))
    score = draw(st.floats(0.0, 1.0))
    reasons = draw(st.lists(st.text(max_size=8), max_size=3))
    severity = draw(SEVERITIES)
    action = draw(st.text(max_size=8))
    lazy = Hit.make(
        dataset, record_id, level, score, list(reasons), None, severity, action, read, row
    )
    eager = Hit(
        dataset=dataset,
        record_id=record_id,
        match=level,
        score=score,
        reasons=reasons,
        record=record,
        severity=severity,
        action=action,
    )
    return lazy, eager, table, row


@settings(max_examples=200, deadline=None)
@given(lazy_and_eager())
def test_a_lazy_hit_is_the_eager_hit(made: tuple[Hit, Hit, pa.Table, int]) -> None:
    lazy, eager, table, row = made
    assert lazy == eager
    assert lazy.record == table.slice(row, 1).to_pylist()[0]
    assert lazy.record is lazy.record  # read once, then kept
    assert lazy.model_dump() == eager.model_dump() == eager.model().model_dump()
    assert lazy.model_dump_json() == eager.model_dump_json()
    assert repr(lazy) == repr(eager) and str(lazy) == str(eager)
    assert dict(lazy) == dict(eager.model())


@settings(max_examples=100, deadline=None)
@given(lazy_and_eager())
def test_pickle_and_copies_read_the_record(made: tuple[Hit, Hit, pa.Table, int]) -> None:
    lazy, eager, _, _ = made
    for fresh in (
        pickle.loads(pickle.dumps(lazy)),
        copy.copy(lazy),
        copy.deepcopy(lazy),
        lazy.model_copy(),
    ):
        assert fresh == eager
        assert type(fresh) is Hit


def test_a_hit_is_frozen_and_unhashable() -> None:
    hit = Hit(dataset="documents", record_id="D1", match="exact", score=1.0, reasons=[], record={})
    with pytest.raises(AttributeError):
        hit.score = 0.5
    with pytest.raises(AttributeError):
        hit.record = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del hit.dataset
    with pytest.raises(TypeError):
        hash(hit)
    assert hit.score == 1.0
    assert hit.severity == "possible" and hit.action == ""  # HitModel's defaults


def test_hit_validates_like_the_model() -> None:
    good: dict[str, Any] = {
        "dataset": "documents",
        "record_id": "D1",
        "match": "exact",
        "score": 1.0,
        "reasons": [],
        "record": {},
    }
    for bad in ({"match": "close"}, {"score": 1.5}, {"severity": "maybe"}, {"reasons": "x"}):
        with pytest.raises(ValidationError):
            Hit(**{**good, **bad})
        with pytest.raises(ValidationError):
            HitModel(**{**good, **bad})
    hit = Hit.model_validate({**good, "reasons": ["r"], "record": {"a": 1}})
    assert hit.model() == HitModel(**{**good, "reasons": ["r"], "record": {"a": 1}})
    assert Hit.model_validate(hit) == hit == Hit.model_validate(hit.model())
    assert Hit.model_json_schema() == HitModel.model_json_schema()
    assert tuple(Hit.model_fields) == tuple(HitModel.model_fields)


def test_model_copy_updates_fields() -> None:
    hit = Hit(
        dataset="documents", record_id="D1", match="exact", score=1.0, reasons=["a"], record={}
    )
    changed = hit.model_copy(update={"record": {"b": 2}, "reasons": []})
    assert changed.record == {"b": 2} and changed.reasons == [] and changed.record_id == "D1"
    assert hit.reasons == ["a"]
    with pytest.raises(ValueError, match="no field"):
        hit.model_copy(update={"colour": "red"})


def test_a_result_with_hits_serialises() -> None:
    docs = synth.documents(300, seed=5)
    number = docs.column("document_number")[7].as_py()
    hl = hotlist.Hotlist.from_tables(documents=docs)
    result = hl.check(document=number)
    assert result.hits
    model = CheckResultModel.model_validate_json(result.model_dump_json())
    # a record's dates come back from JSON as text, as they always have
    assert json.loads(model.model_dump_json()) == json.loads(result.model_dump_json())
    assert json.loads(result.model_dump_json())["hits"][0]["record"]["document_number"] == number
    assert result.model().model_dump()["hits"] == [h.model_dump() for h in result.hits]


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_a_row_view_is_the_record(table: pa.Table, data: st.DataObject) -> None:
    read = RecordReader(table)
    row = data.draw(st.integers(0, table.num_rows - 1))
    record = read(row)
    view = read.view(row)
    assert view == record and dict(view) == record
    assert list(view) == list(record) and len(view) == len(record)
    for name in record:
        assert view[name] == record[name] and view.get(name) == record[name]
        assert name in view
    assert view.get("no such column", 7) == 7 and "no such column" not in view
    with pytest.raises(KeyError):
        view["no such column"]
    for dataset in ("documents", "vehicles", "persons", "firearms"):
        for severity in ("alarm", "possible"):
            assert action_for(dataset, view, severity) == action_for(dataset, record, severity)
    with pytest.raises(IndexError):
        read.view(table.num_rows)


def test_actions_on_listed_persons_with_cautions() -> None:
    persons = synth.persons(200, seed=9)
    read = RecordReader(persons)
    for row in range(persons.num_rows):
        record = read(row)
        for severity in ("alarm", "possible"):
            want = action_for("persons", record, severity)
            assert action_for("persons", read.view(row), severity) == want


@settings(max_examples=300, deadline=None)
@given(
    DATASETS,
    st.integers(0, 2**40),
    st.sampled_from(MATCH_LEVELS),
    st.floats(0.0, 1.0),
    st.lists(st.text(max_size=5), max_size=3).map(tuple),
    st.none() | SEVERITIES,
)
def test_candidate_make_is_the_constructor(  # noqa: PLR0917 - hypothesis gives them by position
    dataset: str,
    row: int,
    level: str,
    score: float,
    reasons: tuple[str, ...],
    severity: str | None,
) -> None:
    made = Candidate.make(dataset, row, level, score, reasons, severity, ())
    built = Candidate(dataset, row, level, score, reasons, severity, ())
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert type(made) is Candidate
    assert dataclasses.replace(made, score=0.0) == dataclasses.replace(built, score=0.0)
    assert pickle.loads(pickle.dumps(made)) == built
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.score = 0.0  # type: ignore[misc]


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_compact_is_idempotent(text: str) -> None:
    once = docnum.compact(text)
    assert docnum.compact(once) == once


@functools.cache
def _person_documents() -> PersonDocumentIndex:
    persons = synth.persons(3000, seed=11)
    return hotlist.Hotlist.from_tables(persons=persons)._state.person_documents


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_listed_numbers_probed_before_the_lookup(data: st.DataObject) -> None:
    """PersonDocumentIndex.match asks the compiled exact probe first (when built):
    the same candidates as the lookup alone, for listed numbers, slips and others."""
    index = _person_documents()
    listed = [n for n in index.numbers.to_pylist() if n]
    number = data.draw(
        st.sampled_from(listed)
        | st.sampled_from(listed).map(lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"))
        | st.sampled_from(listed).map(lambda n: n.lower().replace("0", "O"))
        | st.text(st.sampled_from("0123456789ABCO<"), min_size=1, max_size=10)
    )
    compact = docnum.compact(number)
    key = docnum.ocr_key(compact)
    index._probe = None  # the probe, made on first use
    probed = index.match(compact, key)
    assert index.match(compact) == probed
    index._probe = False  # the lookup alone
    try:
        assert index.match(compact, key) == probed
    finally:
        index._probe = None


def test_threads_reading_one_lazy_record_agree() -> None:
    """Threads asking one unread hit for its record all get the row (one of them
    reads it; a thread that finds the reader gone takes the record it left)."""
    table = synth.documents(50, seed=2)
    read = RecordReader(table)
    want = read(17)

    def record_of(hit: Hit) -> dict[str, object]:
        return hit.record

    for _ in range(50):
        rid = want["record_id"]
        hit = Hit.make("documents", rid, "exact", 1.0, [], None, "alarm", "", read, 17)
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(record_of, [hit] * 32))
        assert all(g == want for g in got)
        assert hit.record is hit.record


def test_a_registered_kinds_invalid_candidate_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in kinds' hits are made without validation; a registered kind's are
    validated in check(), as every hit was when Hit was a pydantic model."""
    with firearms_extract(tmp_path / "extract") as folder:
        hl = hotlist.load(folder, progress=False)
        assert hl.check(extra={"serial": "AB12345"}).hits[0].match == "exact"
        monkeypatch.setitem(firearms_kind.LEVEL_SCORE, "exact", 3.0)
        with pytest.raises(ValidationError):
            hl.check(extra={"serial": "AB12345"})


def test_results_pickled_when_hit_was_a_pydantic_model_still_load() -> None:
    """``data/result-c19f5bf.pickle`` was written by hotlist at c19f5bf, whose Hit
    was a pydantic model (``check(document="L898902C3", country="UTO")`` on the
    bundled sample): result caches and queues must survive the upgrade, with
    every field, and the hits must be the ones this version gives."""
    saved = pickle.loads((Path(__file__).parent / "data" / "result-c19f5bf.pickle").read_bytes())
    old, hit = saved["result"], saved["hit"]
    assert isinstance(hit, Hit) and isinstance(old.hits[0], Hit)
    assert hit.record_id == "DEMO-D-0001" and hit.severity == "alarm"
    assert hit.record["document_number"] == "L898902C3"
    now = hotlist.load(Path(__file__).resolve().parents[2] / "sample_data")
    fresh = now.check(document="L898902C3", country="UTO")
    assert old.hits == fresh.hits
    assert old.model_dump() == fresh.model_dump() | {"data_version": old.data_version}
    with pytest.raises(AttributeError):
        hit.score = 0.5  # type: ignore[misc]

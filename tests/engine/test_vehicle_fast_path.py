"""check()'s vehicle fast path (hotlist._vehicle_fast.vehicle_miss) answers exactly
as the general query pipeline (check_query) whenever it answers: a plain miss,
slot for slot; for anything else (a hit, a warning, an error, other options) it
gives None and check() runs the pipeline."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist._errors import InvalidQuery
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MIN_SCORE
from hotlist._vehicle_fast import vehicle_miss
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.index import _keyindex
from hotlist.schema import CheckResult
from pipeline_answers import answer, general, slots

LISTED_VINS = [v for v in VEHICLES.column("vin").to_pylist() if v]
LISTED_PLATES = [p for p in VEHICLES.column("plate").to_pylist() if p]
VIN_CHARS = "1M8GDM9AXKP042788WVZJHIOQ0 -./<\t\n\x00\u00a0\u00e9\uff11#m"
PLATE_CHARS = "AB12345CD-OI0 .\t\u00e9\u00c4#bx"


def _edited(values: list[str], chars: str) -> st.SearchStrategy[str]:
    """A listed value with one character inserted, replaced, dropped, or two swapped."""

    def edit(v: str, i: int, c: str, how: int) -> str:
        i %= len(v) + 1
        if how == 0:
            return v[:i] + c + v[i:]
        if how == 1:
            return v[:i] + c + v[i + 1 :]
        if how == 2:
            return v[:i] + v[i + 1 :]
        return v[: i - 1] + v[i : i + 1] + v[i - 1 : i] + v[i + 1 :] if i else v

    return st.builds(
        edit, st.sampled_from(values), st.integers(0, 17), st.sampled_from(chars), st.integers(0, 3)
    )


VINS = (
    st.sampled_from(LISTED_VINS)
    | st.sampled_from(LISTED_VINS).map(str.lower)
    | st.builds(lambda v, n: v[-n:], st.sampled_from(LISTED_VINS), st.integers(4, 16))
    | _edited(LISTED_VINS, VIN_CHARS)
    | st.text(st.sampled_from(VIN_CHARS), max_size=20)
    | st.sampled_from(["", " ", "1M8GDM9A1KP042788", "1m8-gdm9axkp o42788", "X" * 300])
    | st.text(max_size=8)
)
PLATES = (
    st.sampled_from(LISTED_PLATES)
    | st.sampled_from(LISTED_PLATES).map(str.lower)
    | st.sampled_from(["D B AB 1234", "F AB-123-CD", "AB 123 CD", "", " ", "A" * 40])
    | _edited(LISTED_PLATES, PLATE_CHARS)
    | st.text(st.sampled_from(PLATE_CHARS), max_size=14)
    | st.text(max_size=6)
)
COUNTRIES = st.none() | st.sampled_from(
    ["FRA", "DEU", "de", "Germany", "usa", "nowhere", " ", "XXA"]
)
OPTIONS = st.tuples(
    st.sampled_from([DEFAULT_LIMIT, 1, 0]),
    st.sampled_from([DEFAULT_MIN_SCORE, 0.5 + 0.0 * len(VIN_CHARS), 0.9, 1.5]),
    st.sampled_from([1, 0, 2, True]),
    st.sampled_from([None, 0.8]),
)


def _same(hl: hotlist.Hotlist, vin: Any, plate: Any, country: Any, options: Any) -> bool:
    """Whether the fast path answered; asserts its answer is the pipeline's."""
    state = hl._state
    limit, min_score, max_edits, threshold = options
    fast = vehicle_miss(state, vin, plate, country, limit, min_score, max_edits, threshold)
    asked = {"country": country, "vin": vin, "plate": plate}
    named = {"limit": limit, "min_score": min_score, "max_edits": max_edits}
    result = answer(lambda: general(state, asked, **named, name_threshold=threshold))
    checked = answer(
        lambda: hl.check(
            vin=vin,
            plate=plate,
            country=country,
            limit=limit,
            min_score=min_score,
            max_edits=max_edits,
            name_threshold=threshold,
        )
    )
    assert checked == result
    if isinstance(checked, CheckResult):
        assert isinstance(result, CheckResult)
        assert slots(checked) == slots(result)
    if fast is None:
        return False
    assert isinstance(result, CheckResult), result
    assert not result.hits
    assert slots(fast) == slots(result)
    assert list(fast.query) == list(result.query)
    return True


@settings(max_examples=500, deadline=None)
@given(VINS, OPTIONS)
def test_vin_fast_path_equals_the_general_pipeline(
    hl: hotlist.Hotlist, vin: str, options: tuple[Any, ...]
) -> None:
    _same(hl, vin, None, None, options)


@settings(max_examples=500, deadline=None)
@given(PLATES, COUNTRIES, OPTIONS)
def test_plate_fast_path_equals_the_general_pipeline(
    hl: hotlist.Hotlist, plate: str, country: str | None, options: tuple[Any, ...]
) -> None:
    _same(hl, None, plate, country, options)


@settings(max_examples=200, deadline=None)
@given(st.none() | VINS, st.none() | PLATES, COUNTRIES)
def test_mixed_queries_fall_back_or_agree(
    hl: hotlist.Hotlist, vin: str | None, plate: str | None, country: str | None
) -> None:
    options = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None)
    answered = _same(hl, vin, plate, country, options)
    if vin is not None and (plate is not None or country is not None):
        assert not answered


@pytest.mark.parametrize(
    ("vin", "plate", "country", "answered"),
    [
        ("ZZZZZZ1JZXW999999", None, None, True),  # far from every listed VIN
        ("WVWZZZ1JZXW000001", None, None, False),  # listed
        ("WVWZZZ1JZXW000002", None, None, False),  # one edit: a hit
        ("WVWZZZ1JZXW00000I", None, None, False),  # repaired: a warning
        ("1M8GDM9A1KP042788", None, None, False),  # a wrong check digit: a warning
        ("XW999999", None, None, True),  # a partial VIN nothing ends with
        ("XW000001", None, None, False),  # a partial VIN listed
        ("abc", None, None, False),  # too short: the pipeline's error
        (None, "ZZ 999 ZZ", "FRA", True),
        (None, "ZZ 999 ZZ", None, True),
        (None, "AB-123-CD", "FRA", False),
        (None, "AB-123-CD", "DEU", False),  # another country's plate: a weak hit
        (None, "AB-I23-CD", "FRA", False),  # an OCR look-alike
        (None, "ZZ 999 ZZ", "nowhere", False),  # the pipeline's error
        (None, "!!", None, False),
    ],
)
def test_vehicle_fast_path_answers_plain_misses(
    hl: hotlist.Hotlist, vin: str | None, plate: str | None, country: str | None, answered: bool
) -> None:
    assert _same(hl, vin, plate, country, (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None)) == answered


@pytest.mark.parametrize("with_table", [False, True])
def test_no_listed_vehicle_agrees(with_table: bool) -> None:
    """No vehicle list given, or an empty one: the same answer as the pipeline
    (its warning that nothing was searched included)."""
    tables: dict[str, Any] = {"documents": documents_table(DOCUMENTS), "persons": PERSONS}
    if with_table:
        tables["vehicles"] = VEHICLES.slice(0, 0)
    hl = hotlist.Hotlist.from_tables(**tables)
    options = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None)
    for vin, plate, country in [
        ("ZZZZZZ1JZXW999999", None, None),
        ("abc", None, None),
        (None, "ZZ 999 ZZ", "FRA"),
        (None, "!!", None),
    ]:
        _same(hl, vin, plate, country, options)


@settings(max_examples=1500, deadline=None)
@given(VINS | st.text(st.sampled_from("0123456789ABCDEFGHJKLMNPRSTUVWXYZ -"), max_size=20))
def test_plain_vin_key_is_search_key_without_warnings(vin: str) -> None:
    key = vin_ids.plain_key(vin)
    try:
        compact, corrections = vin_ids.search_key(vin)
    except InvalidQuery:
        assert key is None
        return
    plain = (
        not corrections
        and set("0123456789ABCDEFGHJKLMNPRSTUVWXYZ").issuperset(compact)
        and not (len(compact) == 17 and vin_ids.check_digit_status(compact) == "invalid")
    )
    if key is not None:
        assert plain
        assert key == compact == vin_ids.ocr_key(compact)
    elif vin.isascii() and len(vin) <= 200:
        assert not plain


@settings(max_examples=1500, deadline=None)
@given(PLATES | st.text(st.sampled_from("FDIGBUK AB0123456789-."), max_size=16))
def test_plain_plate_keys_are_validate_and_ocr_key(plate: str) -> None:
    keys = plate_ids.plain_keys(plate)
    if keys is None:
        return
    compact = plate_ids.validate(plate)
    assert keys == (compact, plate_ids.ocr_key(compact))


def test_while_the_filter_is_built_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """A VIN index whose pre-filter is (still) built in the background: the same
    answers (the fast path then asks the one-edit search)."""
    monkeypatch.setattr(_keyindex, "BACKGROUND_KEYS", 0)
    hl = hotlist.Hotlist.from_tables(
        documents=documents_table(DOCUMENTS), vehicles=VEHICLES, persons=PERSONS
    )
    options = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None)
    for vin in ["ZZZZZZ1JZXW999999", "WVWZZZ1JZXW000002", "WVWZZZ1JZXW000001", "XW999999"]:
        _same(hl, vin, None, None, options)


def test_fast_path_keeps_no_replaced_state_alive() -> None:
    """What the fast path works out lives on the state itself: once a Hotlist (or
    a reload) lets a state go, nothing of the fast path holds it and its indexes."""
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS), vehicles=VEHICLES)
    missing = "1HGCM82633A00435X"
    result = hl.check(vin=missing)
    assert not result.hit
    gone = weakref.ref(hl._state)
    index = weakref.ref(hl._state.indexes["vehicles"])
    del hl, result
    gc.collect()
    assert gone() is None
    assert index() is None


def test_document_fast_path_keeps_no_dropped_state_alive() -> None:
    """The compiled document miss check binds a state's probes (which hold the
    index arrays); when the state goes, so do they."""
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS), persons=PERSONS)
    for _ in range(2):  # the first check may build the pre-filter, the second is bound
        assert not hl.check(document="ZZ9999999", country="UTO").hit
    keys = hl._state.indexes["documents"].index  # the KeyIndex the probes read
    held = [weakref.ref(keys._dir), weakref.ref(keys._rows)]
    del hl, keys
    gc.collect()
    assert [ref() for ref in held] == [None, None]

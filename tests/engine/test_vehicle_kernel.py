"""The compiled vehicle miss (``hotlist._vehicle_kernel.VehicleMiss``) equals the
Python fast path it copies (``hotlist._vehicle_fast.vehicle_miss_py``): the same
keys as ``vin.plain_key`` / ``plate.plain_keys``, and the same answer (None or
a result equal slot for slot) for every query; what it cannot tell it asks of
the Python fast path, and a test counts that it does answer the plain misses
itself.  ``tests/engine/test_vehicle_fast_path.py`` holds ``vehicle_miss`` (the
compiled check when built) equal to the general pipeline."""

from __future__ import annotations

from typing import Any

import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table
from hypothesis import given, settings
from hypothesis import strategies as st
from test_vehicle_fast_path import COUNTRIES, OPTIONS, PLATES, VINS

import hotlist
from hotlist import _vehicle_fast as vf
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.schema import CheckResult
from pipeline_answers import slots

if vf._KERNEL is None:
    pytest.skip("compiled vehicle kernel not built (or HOTLIST_PURE)", allow_module_level=True)

_DEFAULTS = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, 0)


class _Counted:
    """The compiled check, its fallback counted."""

    def __init__(self) -> None:
        self.asked = 0
        vin_tables = {**vin_ids.plain_tables(), "partial_max": vf._PARTIAL_MAX, "limit": 64}
        plate_tables = {**plate_ids.plain_tables(), "limit": vf._PLATE_LIMIT}
        self.kernel = vf._KERNEL.VehicleMiss(vin_tables, plate_tables)
        self.kernel.configure(CheckResult, vf._Context, vf._kinds, vf._COUNTRIES, _DEFAULTS, self)

    def __call__(self, *args: Any) -> CheckResult | None:
        self.asked += 1
        return vf.vehicle_miss_py(*args)


@pytest.fixture(scope="module")
def counted() -> _Counted:
    return _Counted()


def _equal(hl: hotlist.Hotlist, counted: _Counted, query: tuple[Any, ...], options: Any) -> bool:
    """Whether the compiled check answered ``query`` (vin, plate, country) itself;
    asserts it equals the Python fast path."""
    state = hl._state
    vin, plate, country = query
    asked = counted.asked
    got = counted.kernel.check(state, vin, plate, country, *options)
    expected = vf.vehicle_miss_py(state, vin, plate, country, *options)
    assert (got is None) == (expected is None)
    if got is not None:
        assert expected is not None
        assert slots(got) == slots(expected)
        assert list(got.query) == list(expected.query)
    return counted.asked == asked


@settings(max_examples=600, deadline=None)
@given(VINS, OPTIONS)
def test_vin_equals_the_python_fast_path(
    hl: hotlist.Hotlist, counted: _Counted, vin: str, options: Any
) -> None:
    _equal(hl, counted, (vin, None, None), options)


@settings(max_examples=600, deadline=None)
@given(PLATES, COUNTRIES, OPTIONS)
def test_plate_equals_the_python_fast_path(
    hl: hotlist.Hotlist, counted: _Counted, plate: str, country: str | None, options: Any
) -> None:
    vf.vehicle_miss_py(
        hl._state, None, "X", country, *options
    )  # country texts read first, sometimes
    _equal(hl, counted, (None, plate, country), options)


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.none() | VINS, st.none() | PLATES, COUNTRIES), OPTIONS)
def test_mixed_equals_the_python_fast_path(
    hl: hotlist.Hotlist, counted: _Counted, query: tuple[Any, ...], options: Any
) -> None:
    _equal(hl, counted, query, options)


@settings(max_examples=1500, deadline=None)
@given(VINS | st.text(st.sampled_from("0123456789ABCDEFGHJKLMNPRSTUVWXYZ -"), max_size=20))
def test_vin_key_is_plain_key(counted: _Counted, vin: str) -> None:
    """The compiled key is ``plain_key``'s for every full plain VIN (printable ASCII
    within the field's limit), and None for anything else."""
    key = counted.kernel.vin_key(vin)
    plain = vin_ids.plain_key(vin)
    taken = vin.isascii() and vin.isprintable() and len(vin) <= vf._VIN_LIMIT
    full = plain is not None and len(plain) > vf._PARTIAL_MAX
    assert key == (plain if taken and full else None)


@settings(max_examples=1500, deadline=None)
@given(PLATES | st.text(st.sampled_from("FDIGBUKfdi AB0123456789-.<"), max_size=16))
def test_plate_key_is_plain_keys(counted: _Counted, plate: str) -> None:
    """The compiled key is ``plain_keys``' OCR key for every printable ASCII plate
    within the field's limit whose start is not a distinguishing sign; None
    for anything else."""
    key = counted.kernel.plate_key(plate)
    keys = plate_ids.plain_keys(plate.strip())
    taken = plate.isascii() and plate.isprintable() and len(plate) <= vf._PLATE_LIMIT
    start = plate_ids._PY_CANDIDATE.match(plate.strip())
    sign = start is not None and start.group(1).upper() in plate_ids.SIGNS
    assert key == (keys[1] if taken and keys is not None and not sign else None)


@pytest.mark.parametrize(
    ("vin", "plate", "country"),
    [
        ("ZZZZZZ1JZXW999999", None, None),  # a full VIN, not listed
        ("zzzzzz1jzxw-999999", None, None),
        (None, "ZZ 999 ZZ", None),
        (None, "ZZ-999-ZZ", "FRA"),  # a country read before
        (None, "XY 123 AB", "FRA"),  # starts like a sign that is none
    ],
)
def test_plain_misses_are_answered_here(
    hl: hotlist.Hotlist, counted: _Counted, vin: str | None, plate: str | None, country: str | None
) -> None:
    options = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, None)
    vf.vehicle_miss_py(hl._state, vin, plate, country, *options)  # the context, the country read
    assert _equal(hl, counted, (vin, plate, country), options)
    assert _equal(hl, counted, (vin, plate, country), (*options[:2], 0, None))
    assert counted.kernel.check(hl._state, vin, plate, country, *options) is not None


def test_vehicle_miss_is_the_compiled_check() -> None:
    assert vf.vehicle_miss is not vf.vehicle_miss_py


def test_a_new_state_is_worked_out_again(counted: _Counted) -> None:
    """A state the fast path has no context for (a new Hotlist): the Python fast
    path works it out, then the compiled check answers."""
    fresh = hotlist.Hotlist.from_tables(
        documents=documents_table(DOCUMENTS), vehicles=VEHICLES, persons=PERSONS
    )
    options = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, None)
    assert not _equal(fresh, counted, ("ZZZZZZ1JZXW999999", None, None), options)
    assert _equal(fresh, counted, ("ZZZZZZ1JZXW999999", None, None), options)

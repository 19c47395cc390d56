"""``Hotlist.check``'s compiled entry (``hotlist._check_kernel.check``, put in
front of the generated ``check`` by ``hotlist._check_entry.compiled_entry``)
answers every call exactly as the Python ``check`` it wraps: the same result
slot for slot, or the same error, for every mix of fields and options, on a
fresh and on a stale state."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from typing import Any

import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import _check_entry
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE
from hotlist.schema import CheckResult
from pipeline_answers import answer, slots

_LISTED_DOCS = [r[1] for r in DOCUMENTS][:6]
_LISTED_VINS = [v for v in VEHICLES.column("vin").to_pylist() if v][:4]
_LISTED_PLATES = [p for p in VEHICLES.column("plate").to_pylist() if p][:4]

FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "document": st.sampled_from([*_LISTED_DOCS, "ZZ9999999", "L898902C3", "", "ab-12", 7]),
        "country": st.sampled_from(["UTO", "DEU", "Germany", "nowhere", ""]),
        "document_type": st.sampled_from(["passport", "bogus"]),
        "vin": st.sampled_from([*_LISTED_VINS, "ZZZZZZ1JZXW999999", "XW999999"]),
        "plate": st.sampled_from([*_LISTED_PLATES, "ZZ 999 ZZ", "F AB-123-CD"]),
        "name": st.sampled_from(["IVANOV, Sergei", "Nobody Atall"]),
        "dob": st.sampled_from(["1970-01-01", "not a date"]),
        "sex": st.sampled_from(["M", "?"]),
        "extra": st.sampled_from([{}, {"serial": "X1"}]),
        "limit": st.sampled_from([DEFAULT_LIMIT, 1, 0, None]),
        "min_score": st.sampled_from([DEFAULT_MIN_SCORE, 0.9, 0.5 + 0.0 * DEFAULT_LIMIT]),
        "max_edits": st.sampled_from([DEFAULT_MAX_EDITS, 0, 2, True]),
        "name_threshold": st.sampled_from([None, 0.8]),
    },
)


def _same(hl: hotlist.Hotlist, fields: dict[str, Any]) -> None:
    check = type(hl).check
    general = getattr(check, "__wrapped__", check)
    got = answer(lambda: hl.check(**fields))
    expected = answer(lambda: general(hl, **fields))
    assert type(got) is type(expected)
    if not isinstance(got, CheckResult):
        assert got == expected
    else:
        assert isinstance(expected, CheckResult)
        assert _aged_out(slots(got)) == _aged_out(slots(expected))
        assert list(got.query) == list(expected.query)


_AGE = re.compile(r"hotlist data is .+? old \(")


def _aged_out(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with the stale warning's age masked: the two calls compared
    may fall on either side of a second ("0 seconds old" / "1 second old")."""
    warnings = [_AGE.sub("hotlist data is <age> old (", w) for w in result["warnings"]]
    return {**result, "warnings": warnings}


def _aged(max_age: dt.timedelta) -> hotlist.Hotlist:
    hl = hotlist.Hotlist.from_tables(
        documents=documents_table(DOCUMENTS), vehicles=VEHICLES, persons=PERSONS
    )
    hl.set_max_age(max_age)
    return hl


@pytest.fixture(scope="module")
def stale() -> hotlist.Hotlist:
    return _aged(dt.timedelta(seconds=0.0001))


def test_the_compiled_entry_is_in_place() -> None:
    if _check_entry._KERNEL is None:
        pytest.skip("compiled entry not built (or HOTLIST_PURE)")
    check: Any = hotlist.Hotlist.check
    assert check is not check.__wrapped__
    assert _check_entry.same_parameters(check, check.__wrapped__)
    assert inspect.signature(check) == inspect.signature(check.__wrapped__)
    assert check.__doc__ == check.__wrapped__.__doc__
    for attr in ("__module__", "__name__", "__qualname__", "__annotations__"):
        assert getattr(check, attr) == getattr(check.__wrapped__, attr), attr
    assert typing.get_type_hints(check) == typing.get_type_hints(check.__wrapped__)


def test_other_parameters_keep_the_python_check() -> None:
    def other(self: object, *, document: str | None = None, limit: int = 10) -> None: ...

    assert _check_entry.compiled_entry(other) is other
    check = hotlist.Hotlist.check
    assert not _check_entry.same_parameters(other, getattr(check, "__wrapped__", check))


@settings(max_examples=400, deadline=None)
@given(FIELDS)
def test_entry_equals_the_python_check(hl: hotlist.Hotlist, fields: dict[str, Any]) -> None:
    _same(hl, fields)


@pytest.fixture(scope="module")
def aging() -> hotlist.Hotlist:
    return _aged(dt.timedelta(days=36500))


@settings(max_examples=100, deadline=None)
@given(FIELDS)
def test_entry_equals_the_python_check_with_a_max_age(
    aging: hotlist.Hotlist, fields: dict[str, Any]
) -> None:
    """A staleness deadline not reached yet: the fast paths still answer."""
    _same(aging, fields)


@settings(max_examples=100, deadline=None)
@given(FIELDS)
def test_entry_equals_the_python_check_when_stale(
    stale: hotlist.Hotlist, fields: dict[str, Any]
) -> None:
    _same(stale, fields)

"""``check()``'s vehicle fast path: a VIN alone, or a plate alone (with its
country), that no listed vehicle answers.

Most vehicle checks at a border or a patrol are misses.  :func:`vehicle_miss`
takes the steps of the general pipeline (:func:`hotlist._query.check_query`:
``clean``, the country's normaliser, ``Vehicles.match``'s key and index lookup)
for such a query without the general dispatch, and answers only when the
answer is a plain miss: no candidate, nothing repaired, no check-digit warning,
the default options (or ``max_edits=0``).  Anything else -- a hit, a value the
pipeline would refuse or warn about, another registered kind searching by VIN or
plate, no vehicle list loaded -- gives None, and the caller runs the general
pipeline, so every answer is the general pipeline's (property-tested in
``tests/engine/test_vehicle_fast_path.py``).
"""

from __future__ import annotations

from hotlist import datasets
from hotlist._errors import InvalidQuery
from hotlist._normalise import normalise
from hotlist._query import CHECK_FIELDS, DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE
from hotlist._state import State
from hotlist._vehicles import VehicleIndex
from hotlist.datasets.vehicles import KIND
from hotlist.fields import clean, qualifiers
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.schema import CheckResult
from hotlist.scoring import SCORING

__all__ = ["VEHICLE_ONLY", "vehicle_miss"]

# The query fields of a vehicle-only check (check()'s dispatch tests the others are None).
VEHICLE_ONLY: tuple[str, ...] = ("vin", "plate", "country")

_VIN_LIMIT = CHECK_FIELDS["vin"]
_PLATE_LIMIT = CHECK_FIELDS["plate"]
_PARTIAL_MAX = SCORING.vehicles.partial_max
_NORTH_AMERICAN = frozenset("12345")
_NO_EDITS = 0
_VIN_FIELDS = frozenset(("vin",))
_PLATE_FIELDS = frozenset(("plate",))
_PLATE_COUNTRY_FIELDS = frozenset(("plate", "country"))
_ASKED = frozenset(("vin", "plate"))

# country= text -> its code as the general pipeline reads it (clean, then the
# field's normaliser); bounded, errors never kept.
_COUNTRIES: dict[str, str | None] = {}
_MAX_COUNTRIES = 4096

# The registered kinds last seen, and whether the vehicles kind alone searches by
# VIN or plate among them (a kind registered at run time may search by either).
_seen: list[object] = [(), False]


def _vehicles_alone() -> bool:
    kinds = datasets.kinds()
    if kinds != _seen[0]:  # identity first: the same kinds compare equal at once
        quals = qualifiers().keys()
        alone = all(
            k is KIND or _ASKED.isdisjoint(set(k.query_fields) - quals) for k in kinds
        ) and any(k is KIND for k in kinds)
        _seen[0], _seen[1] = kinds, alone
    return _seen[1] is True


def _text(value: object, limit: int) -> str | None:
    """``clean()``'s answer for a value it accepts as it is read here, else None."""
    if value.__class__ is not str:
        return None
    assert isinstance(value, str)
    if len(value) > limit or not value.isprintable():
        return None
    value = value.strip()
    return value or None


def vehicle_miss(  # noqa: PLR0917 - check()'s fast path, positional for speed
    state: State,
    vin: str | None,
    plate: str | None,
    country: str | None,
    limit: int,
    min_score: float,
    max_edits: int,
    name_threshold: float | None,
) -> CheckResult | None:
    """``check(vin=...)`` or ``check(plate=..., country=...)`` when it is a plain
    miss (the general pipeline's result, slot for slot); None otherwise."""
    if not (
        limit is DEFAULT_LIMIT
        and min_score is DEFAULT_MIN_SCORE
        and (max_edits is DEFAULT_MAX_EDITS or max_edits is _NO_EDITS)
        and name_threshold is None
    ):
        return None
    index = state.indexes.get("vehicles")
    if not isinstance(index, VehicleIndex) or not _vehicles_alone():
        return None
    if plate is None:
        if vin is None or country is not None:
            return None
        if _vin_listed(index, vin, max_edits):
            return None
        searched, notes = state.coverage.of(_VIN_FIELDS)
        return CheckResult.make([], [*notes], {"vin": vin}, state.data_version, 0, searched)
    if vin is not None:
        return None
    if country is not None and (
        country.__class__ is not str or (country not in _COUNTRIES and not _country_read(country))
    ):
        return None  # a country the pipeline refuses: its error
    if _plate_listed(index, plate):
        return None
    if country is None:
        searched, notes = state.coverage.of(_PLATE_FIELDS)
        query: dict[str, object] = {"plate": plate}
    else:
        searched, notes = state.coverage.of(_PLATE_COUNTRY_FIELDS)
        query = {"country": country, "plate": plate}
    return CheckResult.make([], [*notes], query, state.data_version, 0, searched)


def _country_read(country: str) -> bool:
    """Whether the pipeline reads ``country`` (clean, then its normaliser) without
    an error; a country text read is kept."""
    try:
        code = normalise("country", clean("country", country))
    except InvalidQuery:
        return False
    if len(_COUNTRIES) < _MAX_COUNTRIES:
        _COUNTRIES[country] = code if isinstance(code, str) else None
    return True


def _vin_listed(index: VehicleIndex, vin: str, max_edits: int) -> bool:
    """False only when ``Vehicles.match`` finds no candidate and warns of nothing
    for this VIN (and ``clean``/``search_key`` accept it)."""
    text = _text(vin, _VIN_LIMIT)
    if text is None:
        return True
    try:
        compact, corrections = vin_ids.search_key(text)
    except InvalidQuery:
        return True
    if corrections:
        return True
    if (
        len(compact) == 17
        and compact[0] in _NORTH_AMERICAN
        and vin_ids.check_digit_status(compact) == "invalid"
    ):
        return True
    key = vin_ids.ocr_key(compact)
    if len(key) <= _PARTIAL_MAX:
        return len(index.vin_suffix.ending_with(key)) > 0
    if max_edits:
        return len(index.vin_index.within_one_edit(key)) > 0
    return len(index.vin_index.lookup(key)) > 0


def _plate_listed(index: VehicleIndex, plate: str) -> bool:
    """False only when ``Vehicles.match`` finds no candidate for this plate (and
    ``clean``/``validate`` accept it); the country only qualifies hits."""
    text = _text(plate, _PLATE_LIMIT)
    if text is None:
        return True
    try:
        compact = plate_ids.validate(text)
    except InvalidQuery:
        return True
    return len(index.plate_index.lookup(plate_ids.ocr_key(compact))) > 0

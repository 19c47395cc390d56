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

from collections.abc import Callable
from typing import Any

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
from hotlist.index._keyindex import COMPILED
from hotlist.schema import CheckResult
from hotlist.scoring import SCORING

_KERNEL: Any = None
try:  # the compiled vehicle miss (built by ``pip install .``; optional)
    import hotlist._vehicle_kernel as _vehicle_kernel  # noqa: PLR0402 - a module, not a name of hotlist

    _KERNEL = _vehicle_kernel if COMPILED else None
except ImportError:  # pragma: no cover - depends on the build
    pass

__all__ = ["VEHICLE_ONLY", "vehicle_miss", "vehicle_miss_py"]

# The query fields of a vehicle-only check (check()'s dispatch tests the others are None).
VEHICLE_ONLY: tuple[str, ...] = ("vin", "plate", "country")

_VIN_LIMIT = CHECK_FIELDS["vin"]
_PLATE_LIMIT = CHECK_FIELDS["plate"]
_PARTIAL_MAX = SCORING.vehicles.partial_max
_NO_EDITS = 0
_VIN_FIELDS = frozenset(("vin",))
_PLATE_FIELDS = frozenset(("plate",))
_PLATE_COUNTRY_FIELDS = frozenset(("plate", "country"))
_ASKED = frozenset(("vin", "plate"))

# country= text -> its code as the general pipeline reads it (clean, then the
# field's normaliser); bounded, errors never kept.
_COUNTRIES: dict[str, str | None] = {}
_MAX_COUNTRIES = 4096
_kinds = datasets.kinds


class _Context:
    """What the fast path reads of one state, worked out once per state (and again
    when the registered kinds change): the vehicle index, whether the vehicles kind
    alone searches by VIN or plate (a kind registered at run time may search by
    either), and the datasets searched and warnings of each query it answers."""

    __slots__ = ("alone", "compiled", "index", "kinds", "plate", "plate_country", "version", "vin")

    def __init__(self, state: State) -> None:
        self.kinds = datasets.kinds()
        index = state.indexes.get("vehicles")
        quals = qualifiers().keys()
        self.alone = (
            isinstance(index, VehicleIndex)
            and any(k is KIND for k in self.kinds)
            and all(k is KIND or _ASKED.isdisjoint(set(k.query_fields) - quals) for k in self.kinds)
        )
        self.index = index if isinstance(index, VehicleIndex) else None
        self.version = state.data_version
        self.vin = state.coverage.of(_VIN_FIELDS)
        self.plate = state.coverage.of(_PLATE_FIELDS)
        self.plate_country = state.coverage.of(_PLATE_COUNTRY_FIELDS)
        # what the compiled check reads (VehicleMiss.configure), None: not for it
        self.compiled = (
            None
            if _KERNEL is None or self.index is None or not self.alone
            else (
                self.kinds,
                self.index.vin_index,
                self.index.vin_index.exact_probe(),
                self.index.plate_index.exact_probe(),
                self.vin,
                self.plate,
                self.plate_country,
                self.version,
            )
        )


def vehicle_miss_py(  # noqa: PLR0917 - check()'s fast path, positional for speed
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
    ctx = state.fast.get("vehicles")
    if not isinstance(ctx, _Context) or ctx.kinds != _kinds():
        ctx = state.fast["vehicles"] = _Context(state)
    index = ctx.index
    if index is None or not ctx.alone:
        return None
    query: dict[str, object]
    if plate is None:
        if vin is None or country is not None or _vin_listed(index, vin, max_edits):
            return None
        searched, notes = ctx.vin
        query = {"vin": vin}
    elif (
        vin is not None
        or (
            country is not None
            and (
                country.__class__ is not str
                or (country not in _COUNTRIES and not _country_read(country))
            )
        )
        or _plate_listed(index, plate)
    ):
        return None  # a country the pipeline refuses (its error), or not a plain miss
    elif country is None:
        searched, notes = ctx.plate
        query = {"plate": plate}
    else:
        searched, notes = ctx.plate_country
        query = {"country": country, "plate": plate}
    return CheckResult.make([], [*notes], query, ctx.version, 0, searched)


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
    if vin.__class__ is not str or len(vin) > _VIN_LIMIT or not vin.isprintable():
        return True  # clean() refuses it
    # (clean() strips the text: printable spaces, which compacting drops anyway)
    key = vin_ids.plain_key(vin)
    if key is None:
        return True  # repaired, refused, a wrong check digit, or not plain: the pipeline
    if len(key) <= _PARTIAL_MAX:
        return len(index.vin_suffix.ending_with(key)) > 0
    if max_edits:
        if COMPILED:
            probe = index.vin_index.probe()
            if probe.filtered:  # exact for a key this short: the filter, then its probes
                return bool(probe.near_exact(key.encode()))
        # no kernel, or the filter is still being built in the background: the search
        return len(index.vin_index.within_one_edit(key)) > 0
    return len(index.vin_index.lookup(key)) > 0


def _plate_listed(index: VehicleIndex, plate: str) -> bool:
    """False only when ``Vehicles.match`` finds no candidate for this plate (and
    ``clean``/``validate`` accept it); the country only qualifies hits."""
    if plate.__class__ is not str or len(plate) > _PLATE_LIMIT or not plate.isprintable():
        return True  # clean() refuses it
    keys = plate_ids.plain_keys(plate.strip())
    if keys is None:
        return True  # refused, a country sign, or not plain: the pipeline
    return len(index.plate_index.lookup(keys[1])) > 0


def _compiled() -> Callable[..., CheckResult | None] | None:
    """The compiled check (``hotlist._vehicle_kernel.VehicleMiss.check``), which
    asks :func:`vehicle_miss_py` what it does not tell itself; None without the
    kernel (or with ``HOTLIST_PURE=1``)."""
    if _KERNEL is None:
        return None
    plate_tables = {**plate_ids.plain_tables(), "limit": _PLATE_LIMIT}
    vin_tables = {**vin_ids.plain_tables(), "partial_max": _PARTIAL_MAX, "limit": _VIN_LIMIT}
    miss = _KERNEL.VehicleMiss(vin_tables, plate_tables)
    defaults = (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, _NO_EDITS)
    miss.configure(CheckResult, _Context, _kinds, _COUNTRIES, defaults, vehicle_miss_py)
    check: Callable[..., CheckResult | None] = miss.check
    return check


#: check()'s vehicle fast path: the compiled check when there is one, else the
#: Python fast path (the same answers: ``tests/engine/test_vehicle_fast_path.py``).
vehicle_miss: Callable[..., CheckResult | None] = _compiled() or vehicle_miss_py

"""Vehicle identification numbers: ISO 3779 / ISO 3780 and 49 CFR Part 565.

A VIN is 17 characters, letters and digits without I, O and Q: the world
manufacturer identifier (WMI, positions 1-3), the vehicle descriptor (4-8), the
check digit (9), the model year (10), the plant (11) and the serial (12-17).

**Repairs.**  I, O and Q never occur in a VIN, so ``repair()`` reads I as 1 and
O and Q as 0, and says so; ``validate()`` applies the repairs.

**Check digit rule.**  Position 9 is a check digit computed over the other 16
characters (transliteration A-H 1-8, J-N 1-5, P 7, R 9, S-Z 2-9; weights
8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2; remainder 10 is written X).  It is
mandatory in North America (WMI starting 1-5: USA, Canada, Mexico) and
optional elsewhere, where position 9 is often just another descriptor
character.  So ``check_digit_status()`` says:

* ``"valid"``: position 9 equals the computed digit (anywhere in the world);
* ``"invalid"``: a North-American VIN whose position 9 is wrong; ``is_valid()``
  is False for it;
* ``"not_applicable"``: any other VIN whose position 9 is wrong (still a valid
  VIN: a European VIN without a check digit is still searched), and chassis
  numbers.

**Chassis numbers.**  Before 1981 there was no 17-character standard: a
compacted value of 5 to 16 letters and digits is accepted by ``validate()`` as
a *chassis number*, returned compacted and not repaired (old chassis numbers
may contain I, O, Q).  ``kind()`` tells ``"vin"`` from ``"chassis"``; for a
chassis number the check digit is ``"not_applicable"`` and ``decode()`` gives
only the kind.

**WMI table.**  Regions and countries follow the ISO 3780 allocation of the
first two characters as published by SAE (the ranges in ``_COUNTRY_RANGES``);
manufacturers are about 150 of the commonest WMIs as listed in the public
SAE J1044 / NHTSA-derived WMI lists (Wikipedia "Vehicle identification number",
2024).  Unlisted WMIs decode to ``manufacturer=None``.

>>> vin = "1M8GDM9AXKP042788"          # the 49 CFR 565 example
>>> check_digit(vin), check_digit_status(vin), validate(vin)
('X', 'valid', '1M8GDM9AXKP042788')
>>> validate("1m8gdm9a1kp042788")
Traceback (most recent call last):
    ...
hotlist._errors.InvalidQuery: VIN 1M8GDM9A1KP042788 has check digit '1' where 'X' is expected...
>>> repair("WVWZZZ1JZXW000OO1")
('WVWZZZ1JZXW000001', ["VIN position 15: 'O' read as '0'", "VIN position 16: 'O' read as '0'"])
>>> check_digit_status("WVWZZZ1JZXW000001")          # European: the digit is optional
'not_applicable'
>>> info = decode("WVWZZZ1JZXW000001")
>>> info.region, info.country, info.manufacturer, info.model_year
('Europe', 'DEU', 'Volkswagen', 1999)
>>> kind("AB12345"), validate("ab 12345")
('chassis', 'AB12345')
>>> format("1M8GDM9AXKP042788")
'1M8 GDM9AX KP 042788'
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Literal

from hotlist._errors import InvalidQuery
from hotlist.ids._keys import ALNUM, SEPARATORS, KeyTable, accepts
from hotlist.ids.ocr import VIN_FORBIDDEN, VIN_REPAIRS

__all__ = [
    "VinInfo",
    "check_digit",
    "check_digit_status",
    "compact",
    "compact_array",
    "decode",
    "format",
    "is_valid",
    "kind",
    "ocr_key",
    "ocr_key_array",
    "plain_key",
    "plain_tables",
    "repair",
    "search_key",
    "validate",
]

CheckDigitStatus = Literal["valid", "invalid", "not_applicable"]

_COMPACT = KeyTable(SEPARATORS)
_OCR = KeyTable(SEPARATORS, VIN_REPAIRS)

_VIN_CHARS = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# per position: each VIN character's transliteration times the position's weight
_WEIGHED = tuple({c: v * w for c, v in _TRANSLITERATION.items()} for w in _WEIGHTS)
_DIGITS = "0123456789X"
_REPAIR_TABLE = str.maketrans(dict(VIN_REPAIRS))
_FORBIDDEN = frozenset(VIN_FORBIDDEN)
_NORTH_AMERICA = frozenset("12345")
_PLAIN_MIN, _PLAIN_TEXT = 6, 200  # plain_key: the shortest key, the longest text


def compact(vin: str) -> str:
    """Upper-case ASCII letters and drop spaces, hyphens, dots, slashes and ``<``."""
    if vin.isascii():  # KeyTable.scalar's body inlined: on every VIN check, twice
        return vin.encode().translate(_COMPACT.byte_map, _COMPACT.delete_bytes).decode()
    return _COMPACT.slow(vin)


def ocr_key(vin: str) -> str:
    """``compact()`` with I read as 1 and O, Q as 0 (and nothing else): the search key."""
    if vin.isascii():
        return vin.encode().translate(_OCR.byte_map, _OCR.delete_bytes).decode()
    return _OCR.slow(vin)


def compact_array(vins: Any) -> Any:
    """``compact()`` over a pyarrow string array; nulls stay null."""
    return _COMPACT.array(vins)


def ocr_key_array(vins: Any) -> Any:
    """``ocr_key()`` over a pyarrow string array; nulls stay null."""
    return _OCR.array(vins)


def repair(vin: str) -> tuple[str, list[str]]:
    """The compacted VIN with I -> 1 and O, Q -> 0, and one message per repair."""
    value = compact(vin)
    if _FORBIDDEN.isdisjoint(value):
        return value, []
    notes = [
        f"VIN position {i}: {c!r} read as {VIN_REPAIRS[c]!r}"
        for i, c in enumerate(value, 1)
        if c in VIN_REPAIRS
    ]
    if notes:
        value = value.translate(_REPAIR_TABLE)
    return value, notes


def search_key(vin: str) -> tuple[str, list[str]]:
    """What ``Hotlist.check(vin=...)`` searches for: the compacted, repaired VIN, a
    chassis number or the last 6 to 16 characters of a VIN, with one message per
    repair; ``InvalidQuery`` for fewer than 6 or more than 17 characters.  The
    extract loader asks this same function whether a listed VIN can be found.

    >>> search_key("1m8gdm9axkpo42788")
    ('1M8GDM9AXKP042788', ["VIN position 12: 'O' read as '0'"])
    """
    value, corrections = repair(compact(vin))
    if len(value) < 6:
        raise InvalidQuery(
            f"vin {vin!r} is too short: give the full VIN, a chassis number, "
            "or at least its last 6 characters"
        )
    if len(value) > 17:
        raise InvalidQuery(f"vin {vin!r} is longer than the 17 characters of a VIN")
    return value, corrections


def plain_key(vin: str) -> str | None:
    """The search key of a plain VIN, or of its last 6 to 16 characters: ASCII,
    nothing to repair, VIN characters only once compacted, and (17 characters) no
    wrong North-American check digit -- ``search_key(vin)`` with no message, and its
    ``ocr_key()`` (the same text); None for any other (ask ``search_key()``).

    >>> plain_key("1m8gdm9a-xkp042788"), plain_key("1M8GDM9A1KP042788"), plain_key("KP0427")
    ('1M8GDM9AXKP042788', None, 'KP0427')
    """
    if not vin.isascii() or len(vin) > _PLAIN_TEXT:
        return None
    value = vin.encode().translate(_COMPACT.byte_map, _COMPACT.delete_bytes).decode()
    n = len(value)
    if n < _PLAIN_MIN or n > 17 or not _VIN_CHARS.issuperset(value):
        return None
    if n == 17 and value[0] in _NORTH_AMERICA and _digit_of(value) != value[8]:
        return None
    return value


def plain_tables() -> dict[str, object]:
    """What :func:`plain_key` decides by, for a compiled copy of it
    (``hotlist._vehicle_kernel``): the compacting byte map and the separators it
    deletes, the VIN characters, the first characters of North-American VINs,
    per position each character's value times the weight, the check digits, the
    shortest key and the longest text taken."""
    return {
        "byte_map": _COMPACT.byte_map,
        "delete": _COMPACT.delete_bytes,
        "chars": "".join(sorted(_VIN_CHARS)),
        "north": "".join(sorted(_NORTH_AMERICA)),
        "weighed": _WEIGHED,
        "digits": _DIGITS,
        "min": _PLAIN_MIN,
        "text": _PLAIN_TEXT,
    }


def _digit_of(value: str) -> str:
    """The check digit of 17 VIN characters."""
    return _DIGITS[sum(map(dict.__getitem__, _WEIGHED, value)) % 11]


def _seventeen(vin: str) -> str:
    value, _ = repair(vin)
    if len(value) != 17:
        raise InvalidQuery(f"a VIN has 17 characters; {_show(value)} has {len(value)}")
    if not _VIN_CHARS.issuperset(value):
        bad = [c for c in value if c not in _VIN_CHARS]
        raise InvalidQuery(f"VIN {_show(value)} contains {bad[0]!r}: only A-Z and 0-9 are allowed")
    return value


def check_digit(vin: str) -> str:
    """The check digit position 9 should hold: ``'0'``-``'9'`` or ``'X'``.

    Raises ``InvalidQuery`` when ``vin`` is not 17 VIN characters after repair.
    """
    return _digit_of(_seventeen(vin))


def _north_american(value: str) -> bool:
    return value[:1] in _NORTH_AMERICA


def check_digit_status(vin: str) -> CheckDigitStatus:
    """``"valid"``, ``"invalid"`` or ``"not_applicable"`` (see the module docstring).

    Never raises on a ``str``: a value that is not a 17-character VIN is ``"not_applicable"``.
    """
    try:
        value = _seventeen(vin)
    except InvalidQuery:
        return "not_applicable"
    if value[8] == check_digit(value):
        return "valid"
    return "invalid" if _north_american(value) else "not_applicable"


def kind(vin: str) -> Literal["vin", "chassis"]:
    """``"vin"`` for a 17-character value, ``"chassis"`` for a 5-16 character one.

    Raises ``InvalidQuery`` when it is neither (see ``validate()``).
    """
    value = validate(vin)
    return "vin" if len(value) == 17 else "chassis"


def validate(vin: str) -> str:
    """The repaired 17-character VIN, or a compacted 5-16 character chassis number.

    Raises ``InvalidQuery`` for anything else, and for a North-American VIN
    whose check digit is wrong.
    """
    if not isinstance(vin, str):
        raise InvalidQuery(f"a VIN must be text, not {type(vin).__name__}")
    if len(vin) > 200:
        raise InvalidQuery(f"a VIN has 17 characters; this value has {len(vin)}")
    value = compact(vin)
    if not value:
        raise InvalidQuery("VIN is empty")
    if not ALNUM.issuperset(value):
        bad = [c for c in value if c not in ALNUM]
        raise InvalidQuery(f"VIN {_show(value)} contains {bad[0]!r}: only A-Z and 0-9 are allowed")
    if 5 <= len(value) < 17:
        return value  # a pre-1981 chassis number: kept as written
    value = _seventeen(value)
    if _north_american(value):
        expected = check_digit(value)
        if value[8] != expected:
            raise InvalidQuery(
                f"VIN {value} has check digit {value[8]!r} where {expected!r} is expected"
                " (mandatory for North-American VINs)"
            )
    return value


def is_valid(vin: str) -> bool:
    """Whether ``validate()`` accepts ``vin`` (never raises)."""
    return accepts(validate, vin)


def format(vin: str) -> str:
    """A 17-character VIN grouped as WMI, descriptor + check digit, year + plant, serial."""
    value = validate(vin)
    if len(value) != 17:
        return value
    return f"{value[:3]} {value[3:9]} {value[9:11]} {value[11:]}"


def _show(value: str) -> str:
    return repr(value) if len(value) <= 30 else repr(value[:30] + "...")


# ----------------------------------------------------------------------------- decoding

_ORDER = "ABCDEFGHJKLMNPRSTUVWXYZ1234567890"  # ISO 3780 order of the second character

_REGIONS = [
    ("ABCDEFGH", "Africa"),
    ("JKLMNPR", "Asia"),
    ("STUVWXYZ", "Europe"),
    ("12345", "North America"),
    ("67", "Oceania"),
    ("89", "South America"),
]

# (first character, second-character range start, end, country): ISO 3780 allocations.
_COUNTRY_RANGES = [
    ("A", "A", "H", "ZAF"),
    ("J", "A", "0", "JPN"),
    ("K", "L", "R", "KOR"),
    ("L", "A", "0", "CHN"),
    ("M", "A", "E", "IND"),
    ("M", "F", "K", "IDN"),
    ("M", "L", "R", "THA"),
    ("N", "L", "R", "TUR"),
    ("P", "A", "E", "PHL"),
    ("P", "L", "R", "MYS"),
    ("S", "A", "M", "GBR"),
    ("S", "N", "T", "DEU"),
    ("S", "U", "Z", "POL"),
    ("T", "A", "H", "CHE"),
    ("T", "J", "P", "CZE"),
    ("T", "R", "V", "HUN"),
    ("T", "W", "1", "PRT"),
    ("U", "U", "1", "ROU"),
    ("U", "5", "7", "SVK"),
    ("V", "A", "E", "AUT"),
    ("V", "F", "R", "FRA"),
    ("V", "S", "W", "ESP"),
    ("W", "A", "0", "DEU"),
    ("X", "L", "R", "NLD"),
    ("X", "S", "W", "RUS"),
    ("X", "3", "0", "RUS"),
    ("Y", "A", "E", "BEL"),
    ("Y", "F", "K", "FIN"),
    ("Y", "S", "W", "SWE"),
    ("Y", "3", "5", "BLR"),
    ("Z", "A", "R", "ITA"),
    ("1", "A", "0", "USA"),
    ("2", "A", "0", "CAN"),
    ("3", "A", "W", "MEX"),
    ("4", "A", "0", "USA"),
    ("5", "A", "0", "USA"),
    ("6", "A", "W", "AUS"),
    ("7", "A", "E", "NZL"),
    ("8", "A", "E", "ARG"),
    ("8", "F", "J", "CHL"),
    ("9", "A", "E", "BRA"),
    ("9", "F", "J", "COL"),
    ("9", "3", "9", "BRA"),
]

_WMI = """
1B3 Dodge|1C3 Chrysler|1C4 Chrysler|1C6 Ram|1D7 Dodge|1FA Ford|1FD Ford|1FM Ford|1FT Ford
1FU Freightliner|1FV Freightliner|1G1 Chevrolet|1G2 Pontiac|1G3 Oldsmobile|1G4 Buick
1G6 Cadillac|1GC Chevrolet|1GM Pontiac|1GN Chevrolet|1GT GMC|1GY Cadillac|1HD Harley-Davidson
1HG Honda|1J4 Jeep|1J8 Jeep|1LN Lincoln|1ME Mercury|1M8 Motor Coach Industries|1N4 Nissan
1N6 Nissan|1NX Toyota|1VW Volkswagen|1YV Mazda|1ZV Ford|19U Acura|19X Honda
2C3 Chrysler|2FA Ford|2G1 Chevrolet|2HG Honda|2HK Honda|2HM Hyundai|2T1 Toyota
3FA Ford|3G1 Chevrolet|3HG Honda|3N1 Nissan|3VW Volkswagen
4JG Mercedes-Benz|4S3 Subaru|4S4 Subaru|4T1 Toyota|4T3 Toyota|4US BMW
5FN Honda|5J6 Honda|5N1 Nissan|5NP Hyundai|5TD Toyota|5UM BMW|5UX BMW|5XY Kia|5YJ Tesla
JA3 Mitsubishi|JA4 Mitsubishi|JF1 Subaru|JF2 Subaru|JH2 Honda|JH4 Acura|JHM Honda|JKA Kawasaki
JM1 Mazda|JMB Mitsubishi|JMZ Mazda|JN1 Nissan|JN8 Nissan|JS1 Suzuki|JS2 Suzuki|JSA Suzuki
JT2 Toyota|JTD Toyota|JTE Toyota|JTH Lexus|JTJ Lexus|JTN Toyota|JYA Yamaha
KLA Daewoo|KMH Hyundai|KNA Kia|KND Kia|KNM Renault Samsung|KPT SsangYong
LBV BMW Brilliance|LDC Dongfeng Peugeot-Citroën|LFV FAW-Volkswagen|LGW Great Wall|LGX BYD
LHG GAC Honda|LRW Tesla|LSG SAIC-GM|LSV SAIC Volkswagen|LVG GAC Toyota|LVS Changan Ford
MA1 Mahindra|MA3 Maruti Suzuki|MAL Hyundai|MAT Tata|MR0 Toyota|NMT Toyota|NM0 Ford Otosan
SAJ Jaguar|SAL Land Rover|SAR Rover|SB1 Toyota|SCA Rolls-Royce|SCB Bentley|SCC Lotus
SCF Aston Martin|SFD Alexander Dennis|SHH Honda|SHS Honda|SJN Nissan|SMT Triumph
TCC Smart|TMA Hyundai|TMB Škoda|TMT Tatra|TRU Audi|TSM Suzuki
VBK KTM|VF1 Renault|VF3 Peugeot|VF7 Citroën|VF8 Matra|VF9 Bugatti|VNK Toyota|VR1 DS
VR3 Peugeot|VR7 Citroën|VS6 Ford|VSE Suzuki|VSK Nissan|VSS SEAT|VWV Volkswagen
W0L Opel|W0V Opel|W1K Mercedes-Benz|W1N Mercedes-Benz|W1V Mercedes-Benz|WA1 Audi|WAU Audi
WBA BMW|WB1 BMW|WBS BMW|WBY BMW|WDB Mercedes-Benz|WDC Mercedes-Benz|WDD Mercedes-Benz
WDF Mercedes-Benz|WEB Evobus|WF0 Ford|WKK Setra|WMA MAN|WME Smart|WMW MINI|WP0 Porsche
WP1 Porsche|WUA Audi|WV1 Volkswagen|WV2 Volkswagen|WVG Volkswagen|WVW Volkswagen
XL9 Spyker|XLR DAF|X7L Renault|XTA Lada|XTT UAZ|XW8 Volkswagen|Z94 Hyundai
YK1 Saab|YS2 Scania|YS3 Saab|YV1 Volvo|YV2 Volvo|YV3 Volvo|YV4 Volvo
ZAM Maserati|ZAP Piaggio|ZAR Alfa Romeo|ZCF Iveco|ZD4 Aprilia|ZDM Ducati|ZFA Fiat|ZFF Ferrari
ZGU Moto Guzzi|ZHW Lamborghini|ZLA Lancia
6FP Ford|6G1 Holden|6MM Mitsubishi|6T1 Toyota
8AF Ford|8AG Chevrolet|8AJ Toyota|8AP Fiat|9BD Fiat|9BF Ford|9BG Chevrolet|9BR Toyota
9BW Volkswagen|93H Honda
"""
_MANUFACTURERS: dict[str, str] = {
    item[:3]: item[4:]
    for item in (part.strip() for part in _WMI.replace("\n", "|").split("|"))
    if item
}

# Position 10: model-year codes, 30-year cycle starting 1980 (A) and 2010 (A again).
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


@dataclass(frozen=True, slots=True)
class VinInfo:
    """What a VIN says about the vehicle (``None`` where it cannot be told)."""

    vin: str
    kind: Literal["vin", "chassis"]
    check_digit_status: CheckDigitStatus
    wmi: str | None = None
    region: str | None = None
    country: str | None = None
    manufacturer: str | None = None
    model_year: int | None = None
    model_year_candidates: tuple[int, ...] = ()
    plant: str | None = None
    serial: str | None = None
    notes: list[str] = field(default_factory=list)


def _country(wmi: str) -> str | None:
    first, second = wmi[0], wmi[1]
    if second not in _ORDER:
        return None
    pos = _ORDER.index(second)
    for f, start, end, code in _COUNTRY_RANGES:
        if f == first and _ORDER.index(start) <= pos <= _ORDER.index(end):
            return code
    return None


def _model_year(value: str, today: _dt.date | None = None) -> tuple[int | None, tuple[int, ...]]:
    code = value[9]
    if code not in _YEAR_CODES:
        return None, ()
    first = 1980 + _YEAR_CODES.index(code)
    candidates = (first, first + 30)
    if _north_american(value):
        # 49 CFR 565.15: from model year 2010, position 7 is a letter; before, a digit
        # (passenger cars, MPVs, light trucks).
        return (candidates[1] if value[6].isalpha() else candidates[0]), candidates
    latest = (today or _dt.date.today()).year + 1
    plausible = [y for y in candidates if y <= latest]
    return (max(plausible) if plausible else None), candidates


def decode(vin: str) -> VinInfo:
    """Decode region, country, manufacturer and model year of a VIN.

    Raises ``InvalidQuery`` when ``validate()`` does.  The model year is the
    later of the two 30-year-cycle candidates that is not in the future, except
    for North-American VINs, where position 7 settles it (49 CFR 565.15).
    """
    _, notes = repair(vin)
    value = validate(vin)
    if len(value) != 17:
        return VinInfo(vin=value, kind="chassis", check_digit_status="not_applicable")
    wmi = value[:3]
    region = next((name for chars, name in _REGIONS if value[0] in chars), None)
    year, candidates = _model_year(value)
    return VinInfo(
        vin=value,
        kind="vin",
        check_digit_status=check_digit_status(value),
        wmi=wmi,
        region=region,
        country=_country(wmi),
        manufacturer=_MANUFACTURERS.get(wmi),
        model_year=year,
        model_year_candidates=candidates,
        plant=value[10],
        serial=value[11:],
        notes=notes,
    )

"""Dates of birth: partial dates, strict and lenient parsing, similarity.

Hotlists often know only part of a date of birth: the year (``1974``), the
year and month (``1974-08``), or carry ``00`` for the unknown parts
(``1974-00-00``, as ICAO 9303 and many national systems write them).

Accepted forms: ``1974-08-12``, ``1974-08``, ``1974``, ``19740812``,
``1974-00-00`` / ``1974-08-00``, ``12.08.1974``, ``12/08/1974`` (day first),
``00.00.1974``; ``X`` or ``XX`` work like ``00``.

>>> parse_dob("1974-08-12")
PartialDate(year=1974, month=8, day=12)
>>> str(parse_dob("00.08.1974")), str(parse_dob("1974"))
('1974-08', '1974')
>>> dob_similarity("1974-08-12", "1974-12-08")
(0.85, 'DOB day/month swapped')
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from hotlist._errors import InvalidQuery
from hotlist.scoring import SCORING

__all__ = [
    "DOB_SCORES",
    "PartialDate",
    "dob_similarity",
    "parse_dob",
    "parse_dob_lenient",
    "placeholder",
]

MIN_YEAR = 1900
"""Earliest year of birth accepted: nobody on a hotlist today was born before it."""


class PartialDate(NamedTuple):
    """A date of birth with ``None`` for the unknown parts (the year is always known)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


DOB_SCORES = SCORING.names.dob
"""Score of each outcome of ``dob_similarity``, by reason."""

_U = r"(?:\d{1,2}|0?[X?]{1,2})"  # a day or month, possibly unknown
_ISO = re.compile(rf"(\d{{4}})(?:[-/.]({_U})(?:[-/.]({_U}))?)?")
_COMPACT = re.compile(r"(\d{4})(\d\d)(\d\d)|((?:19|20)\d\d)(\d\d)")
_DAY_FIRST = re.compile(rf"({_U})[./-]({_U})[./-](\d{{4}})")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _part(text: str | None) -> int | None:
    if text is None or not text.isdigit() or int(text) == 0:
        return None
    return int(text)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def parse_dob(text: str, *, today: date | None = None) -> PartialDate:
    """Parse one date of birth, or raise ``InvalidQuery`` saying why it cannot be.

    >>> parse_dob("19740812"), parse_dob("1974-00-00"), parse_dob("12/08/1974")
    (PartialDate(year=1974, month=8, day=12), PartialDate(year=1974, month=None, day=None), \
PartialDate(year=1974, month=8, day=12))
    >>> parse_dob("1974-02-31")
    Traceback (most recent call last):
    ...
    hotlist._errors.InvalidQuery: date of birth '1974-02-31': February 1974 has no day 31
    >>> parse_dob("1974-13-01")
    Traceback (most recent call last):
    ...
    hotlist._errors.InvalidQuery: date of birth '1974-13-01': there is no month 13
    """
    if not isinstance(text, str):
        raise InvalidQuery(f"date of birth must be text like 1974-08-12, not {type(text).__name__}")
    raw = text.strip().upper()
    shown = text if len(text) <= 40 else text[:40] + "..."
    if not raw:
        raise InvalidQuery("date of birth is empty")
    if m := _ISO.fullmatch(raw):
        year, month, day = m.group(1), m.group(2), m.group(3)
    elif m := _COMPACT.fullmatch(raw):
        year, month, day = m.group(1) or m.group(4), m.group(2) or m.group(5), m.group(3)
    elif m := _DAY_FIRST.fullmatch(raw):
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        raise InvalidQuery(
            f"date of birth {shown!r} is not a date: use YYYY-MM-DD, YYYY-MM, YYYY, "
            "YYYYMMDD, DD.MM.YYYY or DD/MM/YYYY (00 for an unknown part; the year "
            "needs four digits)"
        )
    y, mo, d = int(year), _part(month), _part(day)
    today = today or date.today()
    if y < MIN_YEAR:
        raise InvalidQuery(f"date of birth {shown!r}: year {y} is before {MIN_YEAR}")
    if mo is not None and mo > 12:
        raise InvalidQuery(f"date of birth {shown!r}: there is no month {mo}")
    if d is not None:
        if d > 31:
            raise InvalidQuery(f"date of birth {shown!r}: there is no day {d}")
        if mo is None:
            # a day without a month says nothing useful
            d = None
        elif d > _DAYS[mo - 1] or (mo == 2 and d == 29 and not _leap(y)):
            month_name = date(2000, mo, 1).strftime("%B")
            raise InvalidQuery(f"date of birth {shown!r}: {month_name} {y} has no day {d}")
    if (y, mo or 1, d or 1) > (today.year, today.month, today.day):
        raise InvalidQuery(f"date of birth {shown!r} is in the future")
    return PartialDate(y, mo, d)


def parse_dob_lenient(text: str | None) -> PartialDate | None:
    """Like ``parse_dob``, but ``None`` for anything it cannot use (bulk loading).

    >>> parse_dob_lenient("1974-02-31") is None, parse_dob_lenient(None), parse_dob_lenient("1974")
    (True, None, PartialDate(year=1974, month=None, day=None))
    """
    if not text or not isinstance(text, str) or len(text) > 40:
        return None
    try:
        return parse_dob(text)
    except InvalidQuery:
        return None


def _coerce(value: str | PartialDate | date | None) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    return parse_dob(value)


def _digits(p: PartialDate) -> str:
    return f"{p.year:04d}{p.month or 0:02d}{p.day or 0:02d}"


def dob_similarity(
    a: str | PartialDate | date | None, b: str | PartialDate | date | None
) -> tuple[float, str]:
    """Compare two dates of birth: a score and one reason (see ``DOB_SCORES``).

    Text is parsed strictly (``InvalidQuery`` on an impossible date); ``None``
    or ``""`` gives ``(0.0, "DOB unknown")`` so that the caller can leave the
    date out of its decision.

    >>> dob_similarity("1974-08-12", "1974-08-12")
    (1.0, 'DOB exact')
    >>> dob_similarity("1974", "1974-08-12")
    (0.75, 'DOB year only')
    >>> dob_similarity("1974-08", "1974-08-12")
    (0.9, 'DOB year and month match')
    >>> dob_similarity("1974-08-12", "1974-08-13")
    (0.8, 'DOB one digit off')
    >>> dob_similarity("1974-08-12", "1975-08-12"), dob_similarity("1979-08-12", "1981-08-12")
    ((0.6, 'DOB one year off'), (0.4, 'DOB two years off'))
    >>> dob_similarity("1974-08-12", "1981-03-02")
    (0.0, 'DOB differs')
    >>> dob_similarity("1974-01-01", "1974-08-12")  # 1 January: a placeholder
    (0.75, 'DOB year only')
    >>> dob_similarity("1958-11", "1953-11-12")  # one slip over the digits both know
    (0.8, 'DOB one digit off')
    """
    pa, pb = _coerce(a), _coerce(b)
    if pa is None or pb is None:
        return 0.0, "DOB unknown"
    reason = _dob_reason(pa, pb)
    return DOB_SCORES[reason], reason


def placeholder(p: PartialDate) -> bool:
    """Whether a full date is 1 January, which lists and forms write for a date of
    birth whose day and month are unknown (a placeholder: the year may be all it says).

    >>> placeholder(PartialDate(1974, 1, 1)), placeholder(PartialDate(1974, 1))
    (True, False)
    """
    return p.month == 1 and p.day == 1


def _dob_reason(pa: PartialDate, pb: PartialDate) -> str:
    full_a = pa.day is not None
    full_b = pb.day is not None
    if full_a and full_b:
        if pa == pb:
            return "DOB exact"
        if pa.year == pb.year and pa.month == pb.day and pa.day == pb.month:
            return "DOB day/month swapped"
        da, db = _digits(pa), _digits(pb)
        # a change in the year's last digit may also be just a year off:
        # that is reported as a year off.
        one_digit = sum(x != y for x, y in zip(da, db, strict=True)) == 1
        if one_digit and not (pa[1:] == pb[1:] and abs(pa.year - pb.year) == 1):
            return "DOB one digit off"
        if placeholder(pa) or placeholder(pb):
            # 1 January stands in for an unknown day and month: only the years say something
            pa, pb = PartialDate(pa.year), PartialDate(pb.year)
            full_a = full_b = False
    # partial on at least one side, or full dates not close by the rules above
    if pa.year == pb.year:
        if pa.month is None or pb.month is None:
            return "DOB year only"
        if full_a and full_b:
            return "DOB differs"
        if pa.month == pb.month:
            return "DOB year and month match"
        # year-month against a date with another month: a one-digit slip?
        slips = sum(x != y for x, y in zip(_digits(pa)[:6], _digits(pb)[:6], strict=True))
        return "DOB one digit off" if slips == 1 else "DOB differs"
    same_rest = (
        pa.month is None
        or pb.month is None
        or (pa.month == pb.month and (pa.day is None or pb.day is None or pa.day == pb.day))
    )
    gap = abs(pa.year - pb.year)
    if gap == 1 and same_rest:
        return "DOB one year off"
    if gap == 2 and same_rest:
        return "DOB two years off"
    if not (full_a and full_b):
        # a partial date: one slip over the digits both sides know (1958-11 /
        # 1953-11-12, 1958 / 1968); a slip in a full date's year is caught above
        known = 4 if pa.month is None or pb.month is None else 6
        da, db = _digits(pa)[:known], _digits(pb)[:known]
        if sum(x != y for x, y in zip(da, db, strict=True)) == 1:
            return "DOB one digit off"
    return "DOB differs"

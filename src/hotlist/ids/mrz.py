"""Machine readable zones of travel documents: ICAO Doc 9303 Parts 3-7.

Five layouts, told apart by line count, line length and document code:

=======  =========  ==============================================  ==================
format   lines      documents                                       composite digit
=======  =========  ==============================================  ==================
TD1      3 x 30     identity cards, residence permits (Part 5)      yes
TD2      2 x 36     older identity cards (Part 6)                   yes
TD3      2 x 44     passports (Part 4)                              yes
MRV-A    2 x 44     visas, code V (Part 7)                          no
MRV-B    2 x 36     visas, code V (Part 7)                          no
=======  =========  ==============================================  ==================

Check digits use weights 7 3 1 over the values 0-9, A-Z = 10-35 and ``<`` = 0.
A wrong check digit is a warning and the field is kept: the document is
still searched.  ``parse()`` repairs OCR mistakes where the position tells
what must stand there (``O`` -> ``0`` in a date, ``0`` -> ``O`` in a country
code or a name) and says so in ``warnings``; nothing is changed silently.
Two-digit years: a birth date is never in the future, an expiry date is at
most 20 years ahead.  Country codes are kept as printed (``D`` for Germany)
and also given canonical (``issuing_country_code``, see ``hotlist.ids.country``).

The ICAO specimens (Doc 9303 Part 4 TD3, Part 5 TD1, Part 6 TD2):

>>> m = parse('''P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
...              L898902C36UTO7408122F1204159ZE184226B<<<<<10''')
>>> m.format, m.document_code, m.issuing_country, m.document_number
('TD3', 'P', 'UTO', 'L898902C3')
>>> m.family_name, m.given_names, m.sex, m.date_of_birth, m.date_of_expiry
('ERIKSSON', 'ANNA MARIA', 'F', datetime.date(1974, 8, 12), datetime.date(2012, 4, 15))
>>> m.optional_data, m.valid, m.check_digits["composite"]
('ZE184226B', True, 'valid')
>>> td1 = parse("I<UTOD231458907<<<<<<<<<<<<<<<\\n7408122F1204159UTO<<<<<<<<<<<6\\n"
...             "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
>>> td1.format, td1.document_number, td1.nationality, td1.valid
('TD1', 'D23145890', 'UTO', True)
>>> td2 = parse("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6")
>>> td2.format, td2.document_number, td2.given_names, td2.valid
('TD2', 'D23145890', 'ANNA MARIA', True)

A wrong digit and an OCR slip are reported, not fatal:

>>> bad = parse('''P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
...                L898902C35UTO74O8122F1204159ZE184226B<<<<<10''')
>>> bad.issuing_country, bad.date_of_birth, bad.valid
('UTO', datetime.date(1974, 8, 12), False)
>>> for w in bad.warnings: print(w)
MRZ line 1, position 5 (issuing country): read '0' as 'O'
MRZ line 2, position 16 (date of birth): read 'O' as '0'
MRZ check digit of the document number is wrong
MRZ composite check digit is wrong

``build()`` writes an MRZ that ``parse()`` reads back:

>>> import datetime
>>> print(build("TD3", document_code="P", issuing_country="UTO", document_number="L898902C3",
...             family_name="Eriksson", given_names="Anna María", nationality="UTO",
...             date_of_birth=datetime.date(1974, 8, 12), sex="F",
...             date_of_expiry=datetime.date(2012, 4, 15), optional_data="ZE184226B"))
P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hotlist._errors import InvalidQuery
from hotlist.ids import country as _country
from hotlist.ids._keys import accepts
from hotlist.ids.ocr import TO_DIGIT, TO_LETTER

__all__ = ["MRZ", "build", "check_digit", "compact", "format", "is_valid", "parse", "validate"]

Format = Literal["TD1", "TD2", "TD3", "MRV-A", "MRV-B"]
DigitStatus = Literal["valid", "invalid", "absent"]

_VALUES = {**{str(d): d for d in range(10)}, "<": 0}
_VALUES.update({chr(ord("A") + i): 10 + i for i in range(26)})
_ALLOWED = frozenset(_VALUES)
_NOT_MRZ = 255
_VALUE_BYTES = bytes(_VALUES.get(chr(b), _NOT_MRZ) if b < 128 else _NOT_MRZ for b in range(256))
_DIGITS = tuple(str(d) for d in range(10))
_MAX_TEXT = 400  # generous: 90 characters, newlines, indentation

_FIELD_NAMES = {
    "document_number": "document number",
    "date_of_birth": "date of birth",
    "date_of_expiry": "date of expiry",
    "optional_data": "personal number",
}


class MRZ(BaseModel):
    """A parsed machine readable zone (fillers removed, names with spaces)."""

    model_config = ConfigDict(frozen=True)

    format: Format
    document_code: str
    issuing_country: str
    issuing_country_code: str | None
    document_number: str
    family_name: str
    given_names: str
    nationality: str
    nationality_code: str | None
    date_of_birth: _dt.date | None
    date_of_expiry: _dt.date | None
    sex: Literal["M", "F", "X"] | None
    optional_data: str
    optional_data_2: str = ""
    check_digits: dict[str, DigitStatus]
    valid: bool
    warnings: list[str] = Field(default_factory=list)
    lines: tuple[str, ...]


def check_digit(field: str) -> str:
    """The ICAO 9303 check digit of ``field`` (weights 7 3 1, ``<`` counts 0).

    >>> check_digit("L898902C3"), check_digit("740812"), check_digit("<<<<<<")
    ('6', '2', '0')
    """
    # each character's value as one byte (255: not an MRZ character), then the
    # weighted sum by the three positions of the 7 3 1 cycle: C-level steps only
    values = field.encode("utf-8", "surrogatepass").translate(_VALUE_BYTES)
    if _NOT_MRZ in values:
        bad = next(c for c in field if c not in _VALUES)
        raise InvalidQuery(f"{field!r} contains {bad!r}: not an MRZ character")
    total = 7 * sum(values[0::3]) + 3 * sum(values[1::3]) + sum(values[2::3])
    return _DIGITS[total % 10]


def compact(text: str) -> str:
    """The MRZ lines, upper case, blank lines and surrounding spaces removed, joined by newlines.

    >>> compact("  p<uto...\\n\\n   l898...  ")
    'P<UTO...\\nL898...'
    """
    return "\n".join(line.strip().upper() for line in text.strip().splitlines() if line.strip())


# the commonest text, lines as printed (upper case, nothing around them): split as is
_PRINTED = re.compile(
    r"[A-Z0-9<]{44}\n[A-Z0-9<]{44}|[A-Z0-9<]{36}\n[A-Z0-9<]{36}"
    r"|[A-Z0-9<]{30}\n[A-Z0-9<]{30}\n[A-Z0-9<]{30}"
).fullmatch


def _split(text: str) -> list[str]:
    if text.__class__ is str and _PRINTED(text) is not None:
        return text.split("\n")  # what the steps below make of it, in one step
    if not isinstance(text, str):
        raise InvalidQuery(f"an MRZ must be text, not {type(text).__name__}")
    if len(text) > _MAX_TEXT:
        raise InvalidQuery(
            f"MRZ text is {len(text)} characters long; an MRZ has at most 90 characters"
            " (3 lines of 30, or 2 lines of 36 or 44)"
        )
    lines = compact(text).split("\n") if text.strip() else []
    if not lines:
        raise InvalidQuery("MRZ is empty")
    if len(lines) == 1:
        n = len(lines[0])
        width = {90: 30, 72: 36, 88: 44}.get(n)
        if width is None:
            raise InvalidQuery(
                f"MRZ is one line of {n} characters; expected 3 lines of 30, or 2 lines of 36 or 44"
                " (90, 72 or 88 characters run together)"
            )
        lines = [lines[0][i : i + width] for i in range(0, n, width)]
    shape = (len(lines), {len(line) for line in lines})
    if shape not in ((3, {30}), (2, {36}), (2, {44})):
        lengths = ", ".join(str(len(line)) for line in lines)
        raise InvalidQuery(
            f"MRZ has {len(lines)} lines of {lengths} characters;"
            " expected 3 lines of 30, or 2 lines of 36 or 44"
        )
    if _ALLOWED.issuperset("".join(lines)):
        return lines
    for row, line in enumerate(lines, 1):
        for col, c in enumerate(line, 1):
            if c not in _ALLOWED:
                raise InvalidQuery(
                    f"MRZ line {row}, position {col} holds {c!r}: only A-Z, 0-9 and < are allowed"
                )
    return lines


class _Reader:
    """Position-aware access to the lines, with OCR repairs recorded as warnings."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.warnings: list[str] = []

    def _fix(self, row: int, start: int, end: int, table: dict[int, str], what: str) -> str:
        """Field ``[start:end]`` of line ``row`` repaired by ``table``, each
        change a warning."""
        line = self.lines[row]
        text = line[start:end]
        fixed = text.translate(table)
        for i, (old, new) in enumerate(zip(text, fixed, strict=True), start):
            if old != new:
                self.warnings.append(
                    f"MRZ line {row + 1}, position {i + 1} ({what}): read {old!r} as {new!r}"
                )
        self.lines[row] = line[:start] + fixed + line[end:]
        return fixed

    def letters(self, row: int, start: int, end: int, what: str) -> str:
        # where a letter must stand, a digit is read as its look-alike letter
        text = self.lines[row][start:end]
        if _LETTER[1](text) is None:  # the common case: nothing to repair
            return text
        return self._fix(row, start, end, _LETTER[0], what)

    def digits(self, row: int, start: int, end: int, what: str) -> str:
        # where a digit must stand, a letter is read as its look-alike digit
        text = self.lines[row][start:end]
        if _DIGIT[1](text) is None:
            return text
        return self._fix(row, start, end, _DIGIT[0], what)

    def dates_and_sex(self, at: int) -> tuple[str, str, str, str, str]:
        """Date of birth, its check digit, sex, date of expiry and its check digit:
        one block of 15 characters of the second line from ``at``, in every format."""
        return (
            self.digits(1, at, at + 6, "date of birth"),
            self.digits(1, at + 6, at + 7, "date of birth check digit"),
            self.letters(1, at + 7, at + 8, "sex"),
            self.digits(1, at + 8, at + 14, "date of expiry"),
            self.digits(1, at + 14, at + 15, "date of expiry check digit"),
        )

    def raw(self, row: int, start: int, end: int) -> str:
        return self.lines[row][start:end]


# the OCR repairs: a str.translate table, and a search for a character it changes
# (which finds none in a clean field faster than translate makes a copy)
_Repair = tuple[dict[int, str], Callable[[str], "re.Match[str] | None"]]


def _repair_of(pairs: Mapping[str, str]) -> _Repair:
    return str.maketrans(dict(pairs)), re.compile(f"[{re.escape(''.join(pairs))}]").search


_LETTER, _DIGIT = _repair_of(TO_LETTER), _repair_of(TO_DIGIT)


def _date(text: str, kind: str, warnings: list[str], today: _dt.date) -> _dt.date | None:
    if "<" in text:
        return None
    if not text.isdigit():
        warnings.append(f"MRZ {kind} {text} is not a date")
        return None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    if kind == "date of birth":
        year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    else:
        year = 2000 + yy if 2000 + yy <= today.year + 20 else 1900 + yy
    try:
        value = _dt.date(year, mm, dd)
    except ValueError:
        warnings.append(f"MRZ {kind} {text} is not a date")
        return None
    if kind == "date of birth" and value > today:  # later this year: a century ago
        try:
            value = value.replace(year=year - 100)
        except ValueError:
            return None
    return value


def _names(field: str) -> tuple[str, str]:
    family, _, given = field.partition("<<")
    return (
        " ".join(family.replace("<", " ").split()),
        " ".join(given.replace("<", " ").split()),
    )


def _status(field: str, digit: str) -> DigitStatus:
    if digit == "<":
        return "absent"
    return "valid" if check_digit(field) == digit else "invalid"


def parse(text: str, *, today: _dt.date | None = None) -> MRZ:
    """Parse an MRZ (TD1, TD2, TD3, MRV-A, MRV-B); raise ``InvalidQuery`` if malformed.

    ``today`` (default: the current date) resolves two-digit years.
    """
    lines = _split(text)
    today = today or _dt.date.today()
    r = _Reader(lines)
    width = len(lines[0])
    visa = lines[0][0] == "V"
    fmt: Format = (
        "TD1"
        if width == 30
        else ("MRV-B" if visa else "TD2")
        if width == 36
        else ("MRV-A" if visa else "TD3")
    )
    code = r.letters(0, 0, 2, "document code").rstrip("<")
    issuing = r.letters(0, 2, 5, "issuing country")
    # check_digits in this order: document_number, date_of_birth, date_of_expiry,
    # optional_data, composite
    digits: dict[str, DigitStatus] = {}
    optional_status: DigitStatus | None = None
    optional_2 = ""
    composite: tuple[str, str] | None = None

    if fmt == "TD1":
        number_raw, number_cd = r.raw(0, 5, 14), r.digits(0, 14, 15, "document number check digit")
        optional = r.raw(0, 15, 30)
        dob, dob_cd, sex, exp, exp_cd = r.dates_and_sex(0)
        nationality = r.letters(1, 15, 18, "nationality")
        optional_2 = r.raw(1, 18, 29)
        comp_cd = r.digits(1, 29, 30, "composite check digit")
        names = r.letters(2, 0, 30, "name")
        line1, line2 = r.raw(0, 0, 30), r.raw(1, 0, 30)
        composite = (line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], comp_cd)
    else:
        names = r.letters(0, 5, width, "name")
        number_raw = r.raw(1, 0, 9)
        number_cd = r.digits(1, 9, 10, "document number check digit")
        nationality = r.letters(1, 10, 13, "nationality")
        dob, dob_cd, sex, exp, exp_cd = r.dates_and_sex(13)
        if fmt == "TD3":
            optional = r.raw(1, 28, 42)
            opt_cd = r.digits(1, 42, 43, "personal number check digit")
            comp_cd = r.digits(1, 43, 44, "composite check digit")
            optional_status = _status(optional, opt_cd)
            line2 = r.raw(1, 0, 44)
            composite = (line2[0:10] + line2[13:20] + line2[21:43], comp_cd)
        elif fmt == "TD2":
            optional = r.raw(1, 28, 35)
            comp_cd = r.digits(1, 35, 36, "composite check digit")
            line2 = r.raw(1, 0, 36)
            composite = (line2[0:10] + line2[13:20] + line2[21:35], comp_cd)
        else:
            optional = r.raw(1, 28, width)

    # A long document number (TD1, TD2): check digit '<', the rest of the number
    # and its check digit at the start of the optional data (Doc 9303 Parts 5, 6).
    number = number_raw
    if number_cd == "<" and fmt in ("TD1", "TD2") and optional[:1] not in ("", "<"):
        tail = optional.split("<", 1)[0]
        number, number_cd = number_raw + tail[:-1], tail[-1]
        optional = optional[len(tail) :]
    digits["document_number"] = _status(number, number_cd)
    digits["date_of_birth"] = _status(dob, dob_cd)
    digits["date_of_expiry"] = _status(exp, exp_cd)
    if optional_status is not None:
        digits["optional_data"] = optional_status
    if composite is not None:
        digits["composite"] = _status(*composite)

    warnings = r.warnings
    for key, status in digits.items():
        if status == "invalid":
            if key == "composite":
                warnings.append("MRZ composite check digit is wrong")
            else:
                warnings.append(f"MRZ check digit of the {_FIELD_NAMES[key]} is wrong")
    date_of_birth = _date(dob, "date of birth", warnings, today)
    date_of_expiry = _date(exp, "date of expiry", warnings, today)
    if sex not in ("M", "F", "X", "<"):
        warnings.append(f"MRZ sex {sex!r} is not M, F, X or <")
    family, given = _names(names)
    issuing_s, nationality_s = issuing.strip("<"), nationality.strip("<")
    return MRZ(
        format=fmt,
        document_code=code,
        issuing_country=issuing_s,
        issuing_country_code=_country.lookup(issuing_s),
        document_number=number.replace("<", ""),
        family_name=family,
        given_names=given,
        nationality=nationality_s,
        nationality_code=_country.lookup(nationality_s),
        date_of_birth=date_of_birth,
        date_of_expiry=date_of_expiry,
        sex=sex if sex in ("M", "F", "X") else None,  # type: ignore[arg-type]
        optional_data=optional.strip("<"),
        optional_data_2=optional_2.strip("<"),
        check_digits=digits,
        valid=all(s != "invalid" for s in digits.values()),
        warnings=warnings,
        lines=tuple(r.lines),
    )


def validate(text: str) -> str:
    """The MRZ lines joined by newlines, if every present check digit is right.

    Raises ``InvalidQuery`` for malformed text and for a wrong check digit.
    """
    m = parse(text)
    if not m.valid:
        wrong = [w for w in m.warnings if "check digit" in w]
        raise InvalidQuery("; ".join(wrong))
    return "\n".join(m.lines)


def is_valid(text: str) -> bool:
    """Whether ``validate()`` accepts ``text`` (never raises)."""
    return accepts(validate, text)


def format(text: str) -> str:
    """The MRZ as printed: its lines, repaired, one per line."""
    return "\n".join(parse(text).lines)


# ----------------------------------------------------------------------------- writing

_ICAO_LATIN = {
    "Ä": "AE",
    "Ö": "OE",
    "Ü": "UE",
    "ß": "SS",
    "Å": "AA",
    "Æ": "AE",
    "Ø": "OE",
    "Þ": "TH",
    "Œ": "OE",
    "Ð": "D",
    "Ł": "L",
    "Đ": "D",
    "Ħ": "H",
    "İ": "I",
    "Ĳ": "IJ",
}


def _latin(text: str) -> str:
    """Upper-case A-Z with ``<`` for any separator (a simple ICAO 9303 Part 3 transliteration)."""
    out = []
    for c in text.upper():
        plain = unicodedata.normalize("NFKD", _ICAO_LATIN.get(c, c))
        for x in plain:
            if unicodedata.combining(x):
                continue
            if "A" <= x <= "Z":
                out.append(x)
            elif x in "'’":
                continue
            else:
                out.append("<")
    return "<".join(part for part in "".join(out).split("<") if part)


def _pad(text: str, width: int) -> str:
    return (text + "<" * width)[:width]


def _icao_code(value: str, what: str) -> str:
    code = _country.lookup(value)
    if code is None:
        if len(value) == 3 and value.isalpha():
            return value.upper()
        raise InvalidQuery(f"{what} {value!r} is not a known country code")
    return "D" if code == "DEU" else code


def _yymmdd(value: _dt.date | None) -> str:
    return "<<<<<<" if value is None else value.strftime("%y%m%d")


def build(
    format: Format = "TD3",
    *,
    document_code: str,
    issuing_country: str,
    document_number: str,
    family_name: str,
    given_names: str,
    nationality: str,
    date_of_birth: _dt.date | None,
    sex: str | None,
    date_of_expiry: _dt.date | None,
    optional_data: str = "",
) -> str:
    """Write a valid MRZ (lines joined by newlines) from its fields.

    Names are transliterated to A-Z and truncated to the field; a document
    number longer than 9 characters continues in the optional data (TD1, TD2).
    """
    if format not in ("TD1", "TD2", "TD3", "MRV-A", "MRV-B"):
        raise InvalidQuery(f"unknown MRZ format {format!r}: TD1, TD2, TD3, MRV-A or MRV-B")
    code = _latin(document_code)[:2]
    if not code:
        raise InvalidQuery("document code is required, e.g. P, I, ID, V")
    issuing = _pad(_icao_code(issuing_country, "issuing country"), 3)
    nat = _pad(_icao_code(nationality, "nationality"), 3)
    number = "".join(c for c in document_number.upper() if c.isascii() and c.isalnum())
    if not number:
        raise InvalidQuery("document number is required")
    s = {"M": "M", "F": "F", "X": "X", None: "<", "": "<", "<": "<"}.get(sex)
    if s is None:
        raise InvalidQuery(f"sex must be M, F, X or None, not {sex!r}")
    optional = "".join(c for c in optional_data.upper() if c.isascii() and c.isalnum())
    dob, exp = _yymmdd(date_of_birth), _yymmdd(date_of_expiry)
    dob_cd = check_digit(dob) if date_of_birth else "<"
    exp_cd = check_digit(exp) if date_of_expiry else "<"
    family, given = _latin(family_name), _latin(given_names)
    width = {"TD1": 30, "TD2": 36, "MRV-B": 36, "TD3": 44, "MRV-A": 44}[format]
    name_width = 30 if format == "TD1" else width - 5
    names = _pad(f"{family}<<{given}" if given else family, name_width)

    if len(number) > 9:
        if format not in ("TD1", "TD2"):
            raise InvalidQuery(f"a {format} document number has at most 9 characters")
        field, number_cd = number[:9], "<"
        optional = number[9:] + check_digit(number) + "<" + optional
    else:
        field, number_cd = number, check_digit(_pad(number, 9))
    field = _pad(field, 9)

    if format == "TD1":
        opt1 = _pad(optional, 15)
        if len(optional) > 15:
            raise InvalidQuery("optional data too long for a TD1 (15 characters)")
        line1 = _pad(code, 2) + issuing + field + number_cd + opt1
        line2 = dob + dob_cd + s + exp + exp_cd + nat + "<" * 11
        comp = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return "\n".join([line1, line2 + comp, names])
    line1 = _pad(code, 2) + issuing + names
    head = field + number_cd + nat + dob + dob_cd + s + exp + exp_cd
    room = {"TD2": 7, "MRV-B": 8, "TD3": 14, "MRV-A": 16}[format]
    if len(optional) > room:
        raise InvalidQuery(f"optional data too long for a {format} ({room} characters)")
    opt = _pad(optional, room)
    if format == "TD3":
        opt_cd = check_digit(opt) if optional else "<"
        body = head + opt + opt_cd
        line2 = body + check_digit(body[0:10] + body[13:20] + body[21:43])
    elif format == "TD2":
        body = head + opt
        line2 = body + check_digit(body[0:10] + body[13:20] + body[21:35])
    else:
        line2 = head + opt
    return line1 + "\n" + line2

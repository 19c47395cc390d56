"""Country codes: ICAO Doc 9303 Part 3 codes, ISO 3166-1 and English names.

Travel documents carry ICAO 9303 three-letter codes.  These are ISO 3166-1
alpha-3 codes, with a few exceptions and additions that ISO does not have:

* ``D`` (written ``D<<`` in an MRZ) for Germany, where ISO has ``DEU``;
* British nationality classes ``GBD GBN GBO GBP GBS`` (next to ``GBR``);
* ``UNO`` / ``UNA`` (United Nations and its agencies), ``UNK`` (UNMIK, Kosovo);
* ``XXA`` stateless, ``XXB`` / ``XXC`` refugees, ``XXX`` unspecified nationality;
* organisations: ``EUE`` (European Union), ``XPO`` (INTERPOL), ``XOM``, ``XCC``...;
* ``RKS`` Kosovo, and ``UTO`` "Utopia", the specimen state of Doc 9303.

**Canonical code.**  ``normalize()`` returns one three-letter code per country:
the ISO 3166-1 alpha-3 code where one exists (so Germany is ``DEU``, never
``D``) and the ICAO code otherwise (``GBD``, ``XXA``, ``RKS``...).  Historic ISO
alpha-3 codes still seen on old documents (``YUG``, ``CSK``, ``SUN``, ``ANT``...)
are accepted and kept as they are.

It accepts ICAO codes, ISO alpha-2 and alpha-3 codes in any case, ISO numeric
codes and English names (ISO, official and common forms, plus a short list of
everyday names such as "UK", "Russia", "Holland").  The ISO data come from
``pycountry``; only the ICAO specials and the everyday names are tabled here.

>>> normalize("D") == normalize("Germany") == normalize("de") == normalize("276") == "DEU"
True
>>> normalize("D<<")
'DEU'
>>> normalize("South Korea"), normalize("UK"), normalize("russia"), normalize("Côte d'Ivoire")
('KOR', 'GBR', 'RUS', 'CIV')
>>> normalize("UTO"), normalize("gbd"), normalize("XK")
('UTO', 'GBD', 'RKS')
>>> normalize("Germny")
Traceback (most recent call last):
    ...
hotlist._errors.InvalidQuery: unknown country 'Germny'; did you mean Germany (DEU)?
>>> lookup("Germny") is None, lookup(None), lookup("fra")
(True, None, 'FRA')
>>> name("D"), name("XXA")
('Germany', 'Stateless person')
>>> is_valid("Utopia"), is_valid("ZZZ")
(True, False)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
from rapidfuzz import fuzz, process

from hotlist._errors import InvalidQuery

__all__ = ["compact", "format", "is_valid", "lookup", "name", "normalize", "validate"]

# ICAO Doc 9303 Part 3 codes that are not ISO 3166-1 alpha-3 codes, with the
# English name used for them.  ``D`` is not here: it maps to ISO ``DEU``.
_ICAO_SPECIAL: dict[str, str] = {
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization",
    "UNA": "Specialized agency of the United Nations",
    "UNK": "Kosovo (UNMIK travel document)",
    "XXA": "Stateless person",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "EUE": "European Union",
    "XPO": "INTERPOL",
    "XOM": "Sovereign Military Order of Malta",
    "XCC": "Caribbean Community",
    "XES": "Organisation of Eastern Caribbean States",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XDC": "Southern African Development Community",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "RKS": "Kosovo",
    "UTO": "Utopia",
}

# Other codes that mean one of the canonical codes.
_CODE_ALIASES: dict[str, str] = {
    "D": "DEU",  # ICAO code of Germany
    "XK": "RKS",  # user-assigned ISO code used for Kosovo
    "XKX": "RKS",
    "EU": "EUE",
    "UK": "GBR",
}

# Everyday English names that pycountry does not carry (keys already folded).
_NAME_ALIASES: dict[str, str] = {
    "uk": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "usa": "USA",
    "us": "USA",
    "america": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "russia": "RUS",
    "holland": "NLD",
    "the netherlands": "NLD",
    "czech republic": "CZE",
    "turkey": "TUR",
    "ivory coast": "CIV",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "burma": "MMR",
    "macedonia": "MKD",
    "east timor": "TLS",
    "vatican": "VAT",
    "vatican city": "VAT",
    "holy see": "VAT",
    "palestine": "PSE",
    "brunei": "BRN",
    "micronesia": "FSM",
    "dr congo": "COD",
    "drc": "COD",
    "democratic republic of the congo": "COD",
    "congo kinshasa": "COD",
    "congo brazzaville": "COG",
    "republic of the congo": "COG",
    "uae": "ARE",
    "emirates": "ARE",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "north korea": "PRK",
    "european union": "EUE",
    "united nations": "UNO",
    "un": "UNO",
    "interpol": "XPO",
    "stateless": "XXA",
    "refugee": "XXB",
    "kosovo": "RKS",
    "utopia": "UTO",
}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """Fold a name for lookup: no accents, lower case, words of letters and digits."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    words = _NON_ALNUM.sub(" ", text).split()
    words = ["saint" if w == "st" else w for w in words]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class _Tables:
    """Lookup tables, built once on first use."""

    def __init__(self) -> None:
        codes: dict[str, str] = {}  # upper-case code -> canonical code
        names: dict[str, str] = {}  # folded name -> canonical code (ISO and ICAO names)
        derived: dict[str, str] = {}  # "Korea, Republic of" -> "republic of korea", "korea"
        display: dict[str, str] = {}  # canonical code -> English name
        ambiguous: set[str] = set()

        def add_derived(text: str, code: str) -> None:
            key = _fold(text)
            if key in derived and derived[key] != code:
                ambiguous.add(key)
            derived.setdefault(key, code)

        for c in pycountry.countries:
            a3 = c.alpha_3
            codes[a3] = a3
            codes[c.alpha_2] = a3
            codes[c.numeric] = a3
            display[a3] = getattr(c, "common_name", None) or c.name
            official = getattr(c, "official_name", None)
            for text in (c.name, official, getattr(c, "common_name", None)):
                if not text:
                    continue
                names.setdefault(_fold(text), a3)
                if ", " in text:
                    head, _, tail = text.partition(", ")
                    add_derived(f"{tail} {head}", a3)
                    add_derived(head, a3)
        for c in pycountry.historic_countries:
            a3 = c.alpha_3
            if a3 not in codes:
                codes[a3] = a3
                display[a3] = c.name
        for code, text in _ICAO_SPECIAL.items():
            codes[code] = code
            display[code] = text
            names.setdefault(_fold(text), code)
        codes.update(_CODE_ALIASES)
        # A head shared by two countries ("Korea", "Virgin Islands") names neither.
        for key, code in derived.items():
            if key not in ambiguous:
                names.setdefault(key, code)
        names.update(_NAME_ALIASES)

        self.codes = codes
        self.names = names
        self.display = display
        self.code_choices = [c for c in codes if c.isalpha()]
        self.name_choices = list(names)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    return _Tables()


def compact(value: str) -> str:
    """Strip spaces and MRZ fillers ``<`` around the value and upper-case it.

    >>> compact(" d<< "), compact("fra")
    ('D', 'FRA')
    """
    return value.strip().strip("<").strip().upper()


@lru_cache(maxsize=4096)
def lookup(value: str | None) -> str | None:
    """The canonical code of ``value``, or ``None`` when it is not a known country.

    Never raises: the bulk loader calls it once per distinct value of a column.

    >>> lookup("D"), lookup("Russia"), lookup("Narnia"), lookup("")
    ('DEU', 'RUS', None, None)
    """
    if not isinstance(value, str) or len(value) > 100:
        return None
    t = _tables()
    code = compact(value)
    if not code:
        return None
    if code.isdigit() and len(code) <= 3:
        return t.codes.get(code.zfill(3))
    found = t.codes.get(code)
    if found is not None:
        return found
    return t.names.get(_fold(value))


def normalize(value: str) -> str:
    """The canonical three-letter code of ``value``; raise ``InvalidQuery`` if unknown.

    The message names the closest known countries.

    >>> normalize("deu"), normalize("Federal Republic of Germany"), normalize("XXB")
    ('DEU', 'DEU', 'XXB')
    """
    found = lookup(value) if isinstance(value, str) else None
    if found is not None:
        return found
    if not isinstance(value, str) or not value.strip():
        raise InvalidQuery("a country is required: an ICAO or ISO 3166 code, or an English name")
    shown = value if len(value) <= 40 else value[:40] + "..."
    raise InvalidQuery(f"unknown country {shown!r}{_suggest(value)}")


def _suggest(value: str) -> str:
    if len(value) > 100:
        return ""
    t = _tables()
    codes: list[str] = []
    if len(value.strip()) <= 3:  # looks like a code: offer codes one letter away
        query = compact(value)
        for choice, _score, _index in process.extract(
            query, t.code_choices, scorer=fuzz.ratio, limit=8, score_cutoff=60
        ):
            if t.codes[choice] not in codes:
                codes.append(t.codes[choice])
    else:
        query = _fold(value)
        for choice, _score, _index in process.extract(
            query, t.name_choices, scorer=fuzz.WRatio, limit=8, score_cutoff=75
        ):
            if t.names[choice] not in codes:
                codes.append(t.names[choice])
    if not codes:
        return ""
    listed = ", ".join(f"{t.display[c]} ({c})" for c in codes[:3])
    return f"; did you mean {listed}?"


def validate(value: str) -> str:
    """Same as ``normalize()``: the canonical code, or ``InvalidQuery``."""
    return normalize(value)


def is_valid(value: str) -> bool:
    """Whether ``value`` names a known country (never raises)."""
    return lookup(value) is not None


def name(code: str) -> str:
    """The English name of a country given in any accepted form.

    >>> name("KOR"), name("gbr"), name("UNK")
    ('South Korea', 'United Kingdom', 'Kosovo (UNMIK travel document)')
    """
    return _tables().display[normalize(code)]


def format(value: str) -> str:
    """The canonical code, for display: the same as ``normalize()``."""
    return normalize(value)

"""Development data for person matching: listed persons, true variants, innocents.

    .venv/bin/python benchmarks/person_devdata.py --persons 20k --queries 2000 --innocents 2000

(prints a sample; ``quality.py`` and ``person_recall.py`` import :func:`generate`.)
Needs Faker (``pip install -e '.[bench]'``).

The population
--------------
Names come from Faker's person providers in 30 locales (Latin, Cyrillic,
Greek and Arabic scripts; Chinese and Japanese names in their romanised form),
weighted by how much each region travels (``LOCALES``).  A name part is
common or rare, as in a real population: with the locale's head share
(``HEAD``) it is drawn from Faker's pool for the locale (its common names) by
rank with a Zipf law (``HEAD_ZIPF``), so that the commonest family name of a
diverse locale is carried by 1-3 % of its people and NGUYEN by about a fifth
of Vietnam's; otherwise it is a rare name made by a character Markov chain
trained on that pool (``_Markov``: the locale's script and spelling habits).
Until this version every part came from the pool (tens to a thousand names,
mostly unweighted, their rank a sampling accident) with a Zipf law of 0.9 that
gave one name 10-30 % of a locale: exact namesakes were tens of times more
common than in a real population, and most false hits were those namesakes.
Russian and Ukrainian names carry patronymics (drawn from the pool); a share
of persons has a second given name.  Sex, nationality
(the locale's country) and a date of birth (1940-2006) come with each person.

Listed persons are written as a wanted list writes them: ``FAMILY, Given
Names``, in the native script for Cyrillic, Greek and Arabic names half of the
time, with an alias (another transliteration) for a third of them, and their
DOB full (85 %), year-month (3 %), year only (7 %) or missing (5 %).

Innocent travellers are drawn from the same population (same pools, same
skew), none of them listed: many share a common name with a listed person.

The corruption model (how a listed person's name and DOB reach a query)
------------------------------------------------------------------------
It is the one written in :mod:`hotlist.names._model` (whose ``m`` it gives):
the query name is the Latin (ICAO) form, as a passport's MRZ or a booking
gives it; per listed name part: exact 86 %, a spelling or transliteration
variant 5 % (``_spelling``: KS/X, Y/I, OU/U, PH/F, KH/H, doubled letters,
E/I and O/U vowels of Arabic names...), a typo 5 % (``_typo``: substitution by
a keyboard neighbour, insertion, deletion, adjacent transposition, an OCR
confusion RN/M, CL/D, I/L, U/V), an initial 1 %, joined with the next part
1 %, dropped 5 % (a middle name or patronymic 30 %), replaced by another
name 0.5 %.  Then the format: family name first with a comma, or given names
first (50 / 50); a boundary shifted by one letter (1 %).  A Cyrillic or Arabic
name is written in another transliteration system 15 % of the time (``_system``,
from its own random stream so that every other draw stays as it was): German
(ZWETKOW, JELZIN, SCHUKOW), French (TCHAIKOVSKI, JOUKOV), Polish (KOWALCZYK's
CZ, SZ, W) for Russian, Ukrainian and Bulgarian names, the dialect's G / D / T
or the French CH / OU / DJ / K / Z for Arabic ones.  DOB: exact 85 %, day
and month swapped 2 %, one digit off 4 %, a year off 2 %, only the year 2 %,
year and month 1 %, a placeholder 01-01 1 %, missing 3 %.  Nationality given
60 % (agrees 90 %), sex given 60 % (agrees 98 %).  Each query's label lists
what was done to it (``kinds``) for the per-variant report.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

if "hotlist" not in sys.modules and not os.environ.get("PYTHONPATH"):
    # this checkout's src, unless a hotlist was imported or asked for (PYTHONPATH=<tree>/src:
    # a before / after run): put first regardless, it measured this checkout instead
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from hotlist import names
from hotlist.schema import PERSONS_SCHEMA

# locale -> (nationality, weight, script written natively, has patronymics)
LOCALES: dict[str, tuple[str, float, bool, bool]] = {
    "en_US": ("USA", 8, False, False),
    "en_GB": ("GBR", 5, False, False),
    "en_IN": ("IND", 6, False, False),
    "fr_FR": ("FRA", 5, False, False),
    "de_DE": ("DEU", 5, False, False),
    "es_ES": ("ESP", 4, False, False),
    "es_MX": ("MEX", 4, False, False),
    "pt_BR": ("BRA", 4, False, False),
    "it_IT": ("ITA", 4, False, False),
    "nl_NL": ("NLD", 2, False, False),
    "pl_PL": ("POL", 3, False, False),
    "ro_RO": ("ROU", 2, False, False),
    "tr_TR": ("TUR", 4, False, False),
    "ru_RU": ("RUS", 5, True, True),
    "uk_UA": ("UKR", 3, True, True),
    "bg_BG": ("BGR", 1, True, False),
    "el_GR": ("GRC", 2, True, False),
    "ar_AA": ("EGY", 4, True, False),
    "ar_SA": ("SAU", 3, True, False),
    "fa_IR": ("IRN", 2, True, False),
    "id_ID": ("IDN", 3, False, False),
    "vi_VN": ("VNM", 3, False, False),
    "zh_CN": ("CHN", 5, False, False),
    "ja_JP": ("JPN", 2, False, False),
    "yo_NG": ("NGA", 2, False, False),
    "ig_NG": ("NGA", 1, False, False),
    "ha_NG": ("NGA", 1, False, False),
    "sw": ("KEN", 1, False, False),
    "zu_ZA": ("ZAF", 1, False, False),
    "az_AZ": ("AZE", 1, False, False),
}
POOL_DRAWS = 1500
# Name-frequency skew.  Faker's pools are the *common* names of a locale (a few
# dozen to a thousand, mostly unweighted), so drawing every person from them made
# exact namesakes tens of times more common than in a real population, where a
# long tail of rare names carries a large share of the people.  A part is drawn
# from the pool (the head) with probability HEAD (per locale: family, given) and
# then by rank with a Zipf law of exponent HEAD_ZIPF (the commonest family name
# of a diverse locale then carries 1-3 % of its people, Nguyen about a fifth of
# Vietnam's); otherwise it is a rare name (the tail), made by a character
# Markov chain of order MARKOV_ORDER trained on the locale's pool (same script and
# spelling habits, nearly always a name not in the pool).
HEAD_ZIPF = 0.6
HEAD_DEFAULT = (0.5, 0.8)
HEAD = {"vi_VN": (0.95, 0.9), "zh_CN": (0.9, 0.5), "ja_JP": (0.7, 0.5), "ko_KR": (0.9, 0.5),
        "ar_AA": (0.6, 0.9), "ar_SA": (0.6, 0.9), "fa_IR": (0.6, 0.9), "az_AZ": (0.7, 0.9),
        "ha_NG": (0.5, 0.9), "tr_TR": (0.6, 0.8), "en_IN": (0.6, 0.7)}  # fmt: skip
MARKOV_ORDER = 2

# the corruption model (see the module docstring and hotlist.names._model)
PART = {"exact": 0.86, "spelling": 0.05, "typo": 0.05, "initial": 0.01, "join": 0.01,
        "drop": 0.05, "replace": 0.005}  # fmt: skip
MIDDLE_DROP = 0.30
GIVEN_FIRST = 0.5
BOUNDARY_SHIFT = 0.01
DOB = {"exact": 0.85, "swap": 0.02, "digit": 0.04, "year_off": 0.02, "year_only": 0.02,
       "year_month": 0.01, "placeholder": 0.01, "missing": 0.03}  # fmt: skip
NATIONALITY_GIVEN, NATIONALITY_AGREES = 0.6, 0.9
SEX_GIVEN, SEX_AGREES = 0.6, 0.98

_SPELLING = [("KS", "X"), ("X", "KS"), ("Y", "I"), ("I", "Y"), ("OU", "U"), ("U", "OU"),
             ("PH", "F"), ("F", "PH"), ("KH", "H"), ("H", "KH"), ("SH", "SCH"), ("J", "DJ"),
             ("Q", "K"), ("W", "V"), ("V", "W"), ("C", "K"), ("K", "C"), ("EI", "AY"),
             ("YU", "IU"), ("YA", "IA"), ("IA", "YA"), ("E", "I"), ("O", "U"), ("EE", "I"),
             ("OO", "U"), ("TCH", "CH"), ("DZH", "J"), ("TS", "C")]  # fmt: skip
_OCR = [("RN", "M"), ("M", "RN"), ("CL", "D"), ("D", "CL"), ("I", "L"), ("L", "I"),
        ("U", "V"), ("V", "U"), ("E", "F"), ("B", "H")]  # fmt: skip
_KEYS = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]

# Another transliteration system for the whole query name (its own random stream,
# so that every other draw of the data set stays as it was): a Cyrillic name as a
# German, French or Polish document or list writes it, an Arabic one with the
# dialect's or the French consonants (from the ICAO Latin form, one pass each).
SYSTEM_RATE = 0.15
_SYSTEMS: dict[str, dict[str, str]] = {
    "german": {"SHCH": "SCHTSCH", "ZH": "SCH", "KH": "CH", "TS": "Z", "CH": "TSCH", "SH": "SCH",
               "V": "W", "IU": "JU", "IA": "JA", "^E": "JE", "I$": "J"},
    "french": {"SHCH": "CHTCH", "ZH": "J", "CH": "TCH", "SH": "CH", "U": "OU", "IU": "IOU"},
    "polish": {"SHCH": "SZCZ", "ZH": "Z", "KH": "CH", "TS": "C", "CH": "CZ", "SH": "SZ",
               "V": "W", "IU": "JU", "IA": "JA", "^E": "JE", "I$": "J"},
    "arabic dialect": {"Q": "G", "DH": "D", "TH": "T", "J": "G"},
    "arabic french": {"SH": "CH", "U": "OU", "J": "DJ", "Q": "K", "DH": "Z"},
}  # fmt: skip
_SYSTEM_LOCALES = {"ru_RU": ("german", "french", "polish"), "uk_UA": ("german", "french", "polish"),
                   "bg_BG": ("german", "french"), "ar_AA": ("arabic dialect", "arabic french"),
                   "ar_SA": ("arabic dialect", "arabic french")}  # fmt: skip
_SYSTEM_RES = {
    k: re.compile("|".join(("(?<![A-Z])" + a[1:] if a[0] == "^" else a[:-1] + "$" if a[-1] == "$"
                            else a) for a in sorted(v, key=len, reverse=True)))
    for k, v in _SYSTEMS.items()
}  # fmt: skip


def _system(token: str, system: str) -> str:
    """``token`` (an ICAO Latin name part) as ``system`` writes it."""
    table = _SYSTEMS[system]

    def one(m: re.Match[str]) -> str:
        t = m.group()
        if m.start() == 0 and f"^{t}" in table:
            return table[f"^{t}"]
        if m.end() == len(token) and f"{t}$" in table and m.start() > 0:
            return table[f"{t}$"] if token[m.start() - 1] in "AEOU" else table.get(t, t)
        return table.get(t, t)

    return _SYSTEM_RES[system].sub(one, token)


def _neighbours(c: str) -> str:
    for r, row in enumerate(_KEYS):
        i = row.find(c)
        if i >= 0:
            near = row[max(0, i - 1) : i] + row[i + 1 : i + 2]
            if r > 0:
                near += _KEYS[r - 1][i : i + 1]
            if r < 2:
                near += _KEYS[r + 1][i : i + 1]
            return near or "A"
    return "A"


@dataclass
class Person:
    record_id: str
    family: str  # as written in the list (native script or Latin)
    given: list[str]
    sex: str
    nationality: str
    dob: dt.date | None
    dob_precision: str  # full / year_month / year / none
    native: bool
    alias: str | None = None


@dataclass
class Query:
    query: dict[str, str]
    expected: str | None  # record_id, None for an innocent traveller
    kinds: list[str] = field(default_factory=list)


class Population:
    """Name-part pools per locale, drawn from Faker, sampled with a Zipf skew."""

    def __init__(self, seed: int) -> None:
        try:
            from faker import Faker
        except ImportError as exc:  # pragma: no cover - bench extra
            raise SystemExit("person_devdata needs Faker: pip install -e '.[bench]'") from exc
        self.rng = np.random.default_rng(seed)
        self.system_rng = np.random.default_rng([seed, 9303])  # _system's own stream
        locales = list(LOCALES)
        w = np.array([LOCALES[x][1] for x in locales], dtype=float)
        self.locales, self.locale_p = locales, w / w.sum()
        self.pools: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}
        self.tails: dict[tuple[str, str], _Markov] = {}
        for loc in locales:
            fake = Faker(loc)
            fake.seed_instance(seed)
            for part, fn in self._parts(fake, loc).items():
                counts = collections.Counter(fn() for _ in range(POOL_DRAWS))
                ranked = [v for v, _ in counts.most_common() if v and v.strip()]
                ranks = np.arange(1, len(ranked) + 1, dtype=float)
                p = 1.0 / ranks**HEAD_ZIPF  # ranked by Faker's own (census) weights
                self.pools[(loc, part)] = (ranked, np.cumsum(p / p.sum()))
                self.tails[(loc, part)] = _Markov(ranked)

    @staticmethod
    def _parts(fake: object, loc: str) -> dict[str, object]:
        romanised = loc in ("zh_CN", "ja_JP")
        f = fake
        if romanised:
            return {
                "family_M": f.last_romanized_name,  # type: ignore[attr-defined]
                "family_F": f.last_romanized_name,  # type: ignore[attr-defined]
                "given_M": f.first_romanized_name,  # type: ignore[attr-defined]
                "given_F": f.first_romanized_name,  # type: ignore[attr-defined]
            }
        out = {
            "family_M": getattr(f, "last_name_male", f.last_name),  # type: ignore[attr-defined]
            "family_F": getattr(f, "last_name_female", f.last_name),  # type: ignore[attr-defined]
            "given_M": f.first_name_male,  # type: ignore[attr-defined]
            "given_F": f.first_name_female,  # type: ignore[attr-defined]
        }
        if LOCALES[loc][3]:
            out["patronymic_M"] = f.middle_name_male  # type: ignore[attr-defined]
            out["patronymic_F"] = f.middle_name_female  # type: ignore[attr-defined]
        return out

    def draw(self, loc: str, part: str) -> str:
        """A name part of the locale: a common one from the pool (the head), or a
        rare one from the pool's Markov chain (the tail; see ``HEAD``)."""
        values, cum = self.pools[(loc, part)]
        head = HEAD.get(loc, HEAD_DEFAULT)[0 if part.startswith("family") else 1]
        if part.startswith("patronymic") or self.rng.random() < head:
            # patronymics are made from given names: the pool is all of them
            i = int(np.searchsorted(cum, self.rng.random() * cum[-1], side="right"))
            return values[min(i, len(values) - 1)]
        return self.tails[(loc, part)].make(self.rng, set(values))

    def person(self, rid: str) -> Person:
        rng = self.rng
        loc = self.locales[int(rng.choice(len(self.locales), p=self.locale_p))]
        nationality, _, native_script, patronymic = LOCALES[loc]
        sex = "M" if rng.random() < 0.55 else "F"
        family = self.draw(loc, f"family_{sex}")
        given = [self.draw(loc, f"given_{sex}")]
        if patronymic:
            given.append(self.draw(loc, f"patronymic_{sex}"))
        elif rng.random() < 0.25:
            second = self.draw(loc, f"given_{sex}")
            if second != given[0]:
                given.append(second)
        day = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 66)))
        u = rng.random()
        precision = (
            "full" if u < 0.85 else "year_month" if u < 0.88 else "year" if u < 0.95 else "none"
        )
        native = native_script and rng.random() < 0.5
        if not native and native_script:
            family, given = names.transliterate(family), [names.transliterate(g) for g in given]
        p = Person(rid, family, given, sex, nationality, day, precision, native)
        if rng.random() < 0.33:
            latin = [names.normalize(x) for x in (family, *given)]
            alt = [_spelling(t, rng) if rng.random() < 0.5 else t for t in latin]
            p.alias = f"{alt[0]}, {' '.join(alt[1:])}"
        return p


class _Markov:
    """A character Markov chain over a pool of names: rare names in the pool's
    script and spelling habits (the population's long tail)."""

    def __init__(self, pool: list[str]) -> None:
        nxt: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for v in pool:
            padded = "^" * MARKOV_ORDER + v + "$"
            for i in range(MARKOV_ORDER, len(padded)):
                nxt[padded[i - MARKOV_ORDER : i]][padded[i]] += 1
        self.table = {
            k: (list(c), np.cumsum(np.fromiter(c.values(), dtype=float))) for k, c in nxt.items()
        }
        self.fallback = pool
        # no longer than most names of the pool (a chain can run on)
        self.longest = int(np.percentile([len(v) for v in pool], 90))

    def make(self, rng: np.random.Generator, known: set[str]) -> str:
        for _ in range(20):
            out = "^" * MARKOV_ORDER
            while len(out) < 60:
                chars, cum = self.table[out[-MARKOV_ORDER:]]
                c = chars[min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")),
                              len(chars) - 1)]  # fmt: skip
                if c == "$":
                    break
                out += c
            name = out[MARKOV_ORDER:].strip()
            if 3 <= len(name) <= self.longest and name not in known and not name.endswith("-"):
                return name
        return self.fallback[int(rng.integers(len(self.fallback)))]


def _spelling(token: str, rng: np.random.Generator) -> str:
    options = [(a, b) for a, b in _SPELLING if a in token[1:]]
    if len(token) >= 3 and any(token[i] == token[i + 1] for i in range(len(token) - 1)):
        options.append(("double", ""))
    if not options:
        return token + token[-1] if len(token) > 2 else token
    a, b = options[int(rng.integers(len(options)))]
    if a == "double":
        for i in range(len(token) - 1):
            if token[i] == token[i + 1]:
                return token[:i] + token[i + 1 :]
    i = token.find(a, 1)
    return token[:i] + b + token[i + len(a) :]


def _typo(token: str, rng: np.random.Generator) -> tuple[str, str]:
    if len(token) < 2:
        return token, "typo"
    kind = ["substitute", "insert", "delete", "transpose", "ocr"][int(rng.integers(5))]
    i = int(rng.integers(len(token)))
    if kind == "ocr":
        options = [(a, b) for a, b in _OCR if a in token]
        if options:
            a, b = options[int(rng.integers(len(options)))]
            j = token.find(a)
            return token[:j] + b + token[j + len(a) :], "ocr"
        kind = "substitute"
    if kind == "substitute":
        near = _neighbours(token[i])
        return token[:i] + near[int(rng.integers(len(near)))] + token[i + 1 :], "typo"
    if kind == "insert":
        near = _neighbours(token[i])
        return token[:i] + near[int(rng.integers(len(near)))] + token[i:], "typo"
    if kind == "delete" and len(token) > 3:
        return token[:i] + token[i + 1 :], "typo"
    i = min(i, len(token) - 2)
    return token[:i] + token[i + 1] + token[i] + token[i + 2 :], "transposition"


def _choose(table: dict[str, float], rng: np.random.Generator) -> str:
    keys = list(table)
    p = np.array([table[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def corrupt(person: Person, pop: Population) -> Query:
    """A query for a listed person, through the corruption model."""
    rng = pop.rng
    kinds: list[str] = []
    family = names.normalize(person.family).split()
    given = [t for g in person.given for t in names.normalize(g).split()]
    parts: list[tuple[str, str]] = [(t, "F") for t in family] + [(t, "G") for t in given]
    out: list[tuple[str, str]] = []
    loc = next((x for x, v in LOCALES.items() if v[0] == person.nationality), "en_US")
    for k, (tok, role) in enumerate(parts):
        middle = role == "G" and k > len(family)
        if middle and rng.random() < MIDDLE_DROP:
            kinds.append("middle dropped")
            continue
        what = _choose(PART, rng)
        if what == "exact" or tok in names.PARTICLES:
            out.append((tok, role))
        elif what == "spelling":
            out.append((_spelling(tok, rng), role))
            kinds.append("spelling")
        elif what == "typo":
            t, kind = _typo(tok, rng)
            out.append((t, role))
            kinds.append(kind)
        elif what == "initial" and role == "G" and tok:  # not a part joined to the one before
            out.append((tok[0], role))
            kinds.append("initial")
        elif what == "join" and k + 1 < len(parts) and parts[k + 1][1] == role:
            out.append((tok + parts[k + 1][0], role))
            kinds.append("joined")
            parts[k + 1] = ("", role)
        elif what == "drop" and len(parts) > 2:
            kinds.append("part dropped")
        elif what == "replace":
            other = names.normalize(
                pop.draw(loc, f"{'family' if role == 'F' else 'given'}_{person.sex}")
            )
            out.append((other.split()[0] if other else tok, role))
            kinds.append("part replaced")
        else:
            out.append((tok, role))
    out = [(t, r) for t, r in out if t]
    systems = _SYSTEM_LOCALES.get(loc)
    if systems and pop.system_rng.random() < SYSTEM_RATE:
        system = systems[int(pop.system_rng.integers(len(systems)))]
        rendered = [(_system(t, system), r) for t, r in out]
        if rendered != out:
            out = rendered
            kinds.append("transliteration system")
    if not any(r == "F" for _, r in out) and family:
        out.insert(0, (family[0], "F"))
    fam = " ".join(t for t, r in out if r == "F")
    giv = " ".join(t for t, r in out if r == "G")
    if rng.random() < GIVEN_FIRST or not giv:
        text = f"{giv} {fam}".strip()
        if giv:
            kinds.append("given first")
    else:
        text = f"{fam}, {giv}"
    if rng.random() < BOUNDARY_SHIFT and " " in text.replace(", ", " "):
        flat = text.replace(",", "")
        i = flat.find(" ")
        text = flat[: i - 1] + " " + flat[i - 1] + flat[i + 1 :]
        kinds.append("boundary shifted")
    q: dict[str, str] = {"name": text}
    dob_kind = _dob(person, q, rng)
    if dob_kind:
        kinds.append(dob_kind)
    if rng.random() < NATIONALITY_GIVEN:
        q["nationality"] = person.nationality if rng.random() < NATIONALITY_AGREES else "XXA"
    if rng.random() < SEX_GIVEN:
        q["sex"] = person.sex if rng.random() < SEX_AGREES else ("F" if person.sex == "M" else "M")
    return Query(q, person.record_id, kinds or ["as listed"])


def _dob(person: Person, q: dict[str, str], rng: np.random.Generator) -> str:
    d = person.dob
    if d is None:
        return "no DOB"
    what = _choose(DOB, rng)
    if what == "missing":
        return "DOB missing"
    y, m, dd = d.year, d.month, d.day
    if what == "swap" and dd <= 12 and dd != m:
        m, dd = dd, m
    elif what == "digit":
        text = f"{y:04d}{m:02d}{dd:02d}"
        for _ in range(10):
            i = int(rng.integers(2, 8))
            t = text[:i] + str(int(rng.integers(10))) + text[i + 1 :]
            try:
                nd = dt.date(int(t[:4]), int(t[4:6]), int(t[6:]))
            except ValueError:
                continue
            if nd != d and nd.year >= 1900 and nd < dt.date(2026, 1, 1):
                y, m, dd = nd.year, nd.month, nd.day
                break
    elif what == "year_off":
        y += 1 if rng.random() < 0.5 else -1
        if m == 2 and dd == 29:
            dd = 28
    elif what == "year_only":
        q["dob"] = f"{y:04d}"
        return "DOB year only"
    elif what == "year_month":
        q["dob"] = f"{y:04d}-{m:02d}"
        return "DOB year-month"
    elif what == "placeholder":
        m, dd = 1, 1
    else:
        what = "exact"
    q["dob"] = f"{y:04d}-{m:02d}-{dd:02d}"
    return "" if what == "exact" else f"DOB {what}"


def innocent(pop: Population, listed_names: set[tuple[str, str]]) -> Query:
    p = pop.person("innocent")
    latin = " ".join(names.normalize(x) for x in (*p.given, p.family))
    q: dict[str, str] = {"name": latin}
    if p.dob is not None and (p.family, p.dob.isoformat()) not in listed_names:
        q["dob"] = p.dob.isoformat()
    if pop.rng.random() < NATIONALITY_GIVEN:
        q["nationality"] = p.nationality
    if pop.rng.random() < SEX_GIVEN:
        q["sex"] = p.sex
    return Query(q, None, ["innocent"])


def table(listed: list[Person]) -> pa.Table:
    rows = []
    for p in listed:
        d = p.dob
        y = d.year if d and p.dob_precision != "none" else None
        m = d.month if d and p.dob_precision in ("full", "year_month") else None
        dd = d.day if d and p.dob_precision == "full" else None
        rows.append(
            {
                **{f.name: None for f in PERSONS_SCHEMA},
                "record_id": p.record_id,
                "name": f"{p.family.upper() if not p.native else p.family}, {' '.join(p.given)}",
                "family_name": p.family,
                "given_names": " ".join(p.given),
                "aliases": [p.alias] if p.alias else [],
                "date_of_birth": None
                if y is None
                else "-".join(
                    f"{v:02d}" if i else f"{v:04d}"
                    for i, v in enumerate(x for x in (y, m, dd) if x)
                ),
                "dob_year": y,
                "dob_month": m,
                "dob_day": dd,
                "sex": p.sex,
                "nationalities": [p.nationality],
                "document_numbers": [],
                "notice_type": "red",
            }
        )
    return pa.Table.from_pylist(rows, schema=PERSONS_SCHEMA)


def generate(n: int, k_true: int, k_innocent: int, seed: int = 11) -> tuple[pa.Table, list[Query]]:
    """``n`` listed persons, ``k_true`` corrupted queries of listed persons and
    ``k_innocent`` innocent travellers from the same population."""
    pop = Population(seed)
    listed = [pop.person(f"L{i:08d}") for i in range(n)]
    t = table(listed)
    # what is listed, as persons: an innocent's DOB is left out when a listed
    # person with that family name was born on that day (the same person)
    keys = {(p.family, p.dob.isoformat()) for p in listed if p.dob is not None}
    idx = pop.rng.choice(n, size=min(k_true, n), replace=k_true > n)
    queries = [corrupt(listed[int(i)], pop) for i in idx]
    queries += [innocent(pop, keys) for _ in range(k_innocent)]
    return t, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--innocents", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    t, queries = generate(args.persons, args.queries, args.innocents, args.seed)
    for row in t.slice(0, 15).to_pylist():
        print(
            row["record_id"],
            row["name"],
            row["aliases"],
            row["date_of_birth"],
            row["nationalities"],
        )
    names_count = collections.Counter(t.column("family_name").to_pylist())
    print("commonest family names:", names_count.most_common(8))
    for q in queries:
        print(q.expected, q.kinds, q.query)


if __name__ == "__main__":
    main()

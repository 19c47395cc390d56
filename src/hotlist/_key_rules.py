"""What the keys a snapshot stores were made with, so that a snapshot saved by
another hotlist is refused instead of silently missing listed records.

A snapshot stores each kind's index keys: a listed document's OCR key, a
vehicle's VIN and plate keys, a listed person's name keys, DOB-aware keys and
normalised name.  A query's keys are made by the hotlist that opens it.  If the
rules changed in between (an OCR look-alike class, a transliteration or
spelling-variant rule, the blocking keys), a listed record's stored keys no
longer meet the keys a query makes for it, and it is missed without a word:
the one thing a hotlist must never do.

So the manifest records, per kind, a digest of those rules (:func:`key_rules`),
and :func:`hotlist._snapshot.open_state` refuses a snapshot whose digest of a
kind it holds rows of differs from this hotlist's.  Each digest covers the
rule tables *and* what the code makes of them on a fixed canary of inputs
(names in Latin, Cyrillic, Greek and Arabic scripts with particles, comma
forms, joined parts and transliteration-system spellings; document numbers,
VINs and plates with separators and look-alike letters), so a code change that
alters keys changes the digest even when no table did.  A change the canary
does not exercise is what ``_phonetic._KEYS_CODE`` is for.

>>> sorted(key_rules()) == ["documents", "persons", "vehicles"]
True
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from typing import Any

from hotlist import names
from hotlist._person_keys import dob_keys, name_keys, part_keys
from hotlist.ids import docnum, ocr, plate, vin
from hotlist.names import _translit
from hotlist.names._phonetic import KEY_RULES, variant

__all__ = ["CANARY_NAMES", "CANARY_NUMBERS", "key_rules"]

CANARY_NAMES: tuple[str, ...] = (
    "SMITH, John",
    "Müller, Hans-Jürgen",
    "van der Berg, Jan Willem",
    "KHAN, Imran bin Saleh",
    "Imran bin Saleh Khan",
    "AL-HASSAN, Mohammed",
    "ALHASSAN MOHAMED",
    "Abd al-Rahman ibn Yusuf",
    "QADHAFI, Muammar",
    "GADDAFI Moammar",
    "Иванов, Сергей Петрович",
    "Пётр Чайковский",
    "Ельцин Борис",
    "TSVETKOV, Yevgeny",
    "ZWETKOW Jewgeni",
    "TCHAIKOVSKI, Piotr",
    "KOWALCZYK, Anastasija",
    "KOVALCHIK Anastasiia",
    "SZYMANSKI Semjon",
    "SCHULZE, Dmitrij",
    "JELZIN, Jelena",
    "Παπαδόπουλος, Γιώργος",
    "محمد بن علي",
    "دوس سانتوس",
    "dos Santos, Maria da Conceição",
    "O'Brien-McCarthy, Siobhán",
    "Nguyễn Văn An",
    "MARTI NDUBOIS",
    "PierreDupont",
    "DE LA CRUZ, José",
    "Yusuf Hüseyin Öztürk",
    "EL AMRANI Youssef",
    "WOJCIECHOWSKI Krzysztof",
    "KH. PHILLIPS, Q.",
    "IURII IAKOVLEV",
    "JENNA JELLE",
    "王小明",
    "김민준",
    "山田 太郎",
    "A",
    "",
)
"""Names whose keys the persons digest covers (never real persons); with them,
every letter each transliteration table knows, a few per made-up token
(:func:`_table_names`)."""

_DATES = ((1980, 5, 17), (1980, 5, 0), (1980, 0, 0), None)
"""The dates of birth the canary's DOB-aware keys are made with: full, year and
month, year only, none."""

CANARY_NUMBERS: tuple[str, ...] = (
    "L898902C3",
    "l898-902 c3",
    "AB.12/34",
    "0OD Q1IL 2Z5S 6G8B",
    "X1234567",
    "P<UTO",
    "1HGCM82633A004352",
    "WVWZZZ1JZXW000001",
    "JH4KA7561PC008269",
    "ab-123-cd",
    "B MW 1234 E",
    "D-ÄB 12",
    "ÉÇ 42 ß",
    "",
)
"""Document numbers, VINs and plates whose keys the documents' and vehicles'
digests cover (made up)."""


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _table_names() -> list[str]:
    """Each transliteration table's letters (and the Greek digraphs), five to a
    made-up token and three tokens to a name, so that a change to any letter's
    rendering changes some canary name's keys."""
    letters = [
        *(chr(c) if isinstance(c, int) else c for c in sorted(_translit._TABLE)),
        *_translit._GREEK_DIGRAPH_MAP,
        "و",
        "ي",
    ]
    tokens = ["".join(letters[i : i + 5]) for i in range(0, len(letters), 5)]
    return [" ".join(tokens[i : i + 3]) for i in range(0, len(tokens), 3)]


def _libraries() -> tuple[str, ...]:
    """The versions of the libraries names' keys come from (Metaphone, the
    fallback transliteration): a new version may write some name otherwise."""
    return tuple(importlib.metadata.version(lib) for lib in ("jellyfish", "anyascii"))


def _persons(documents: str) -> str:
    # the scalar functions a load's compiled / Arrow passes are property-tested
    # equal to (normalize_column, index_keys, token_index); those passes would
    # import pandas through pyarrow on every open (~0.6 s)
    dates = [None if d is None else names.PartialDate(*d) for d in _DATES]
    per_name = []
    for raw in (*CANARY_NAMES, *_table_names()):
        v = names.normalize(raw)
        per_name.append(
            (
                v,
                name_keys(v),
                part_keys(v),
                [dob_keys(v, d) for d in dates],
                [variant(t) for t in v.replace(",", "").split()],
            )
        )
    # a wanted person's document numbers are stored as document keys too
    # (``documents``: the documents' digest)
    scripts = (_translit._SYLLABIC.pattern, _translit._ARABIC_WAW_YEH.pattern)
    return _digest(KEY_RULES, _libraries(), scripts, per_name, documents)


def _documents() -> str:
    # the scalar key (the load's key_array is tested equal to it; calling that
    # here would import pandas through pyarrow on every open: ~0.6 s)
    return _digest(ocr.CLASSES, [docnum.ocr_key(docnum.compact(v)) for v in CANARY_NUMBERS])


def _vehicles() -> str:
    return _digest(
        ocr.CLASSES,
        [(vin.ocr_key(vin.compact(v)), plate.ocr_key(plate.compact(v))) for v in CANARY_NUMBERS],
    )


@functools.cache
def key_rules() -> dict[str, str]:
    """Per built-in kind, the digest of the rules its stored keys were made with
    (computed once per process, a few milliseconds)."""
    documents = _documents()
    return {"documents": documents, "persons": _persons(documents), "vehicles": _vehicles()}

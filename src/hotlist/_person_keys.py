"""Person blocking keys: the name keys and DOB-aware keys of a listed name, and the
keys a query looks up (:class:`hotlist._persons.PersonIndex` explains their use).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hotlist import names
from hotlist.names._phonetic import _ARTICLES, MAX_KEYS
from hotlist.names._tokens import PARTICLES, fold

__all__ = [
    "PersonQuery",
    "dob_keys",
    "dob_keys_of",
    "entry_keys",
    "letter_forms",
    "letter_keys",
    "name_keys",
    "part_keys",
    "query_dob_keys",
]


@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: str  # normalised
    dob: names.PartialDate | None
    nationality: str | None
    sex: str | None


def _parts(normalised: str) -> list[str]:
    return [t for t in normalised.replace(",", "").split() if t not in names.PARTICLES]


def name_keys(normalised: str) -> list[str]:
    """The name keys of one normalised name: :func:`hotlist.names.blocking_keys`
    plus, for each full name part, its phonetic key joined with the initial of
    each other part (``SM0/J`` for SMITH, JOHN), plus the keys of all the letters
    run together (``#...``, :func:`letter_keys`).  The composite keys are what
    finds ``SMITH, J.`` among many SMITHs, and they rank a candidate sharing
    two parts above one sharing a single common part.
    """
    keys = names.blocking_keys(normalised)
    keys += [f"#{k}" for k in letter_keys(normalised)]
    parts = _parts(normalised)
    for i, token in enumerate(parts[:4]):
        if len(token) < 2:
            continue
        key = names.phonetic_key(token)
        if not key:
            continue
        for j, other in enumerate(parts[:4]):
            if j != i:
                keys.append(f"{key}/{other[0]}")
    return list(dict.fromkeys(keys))


def entry_keys(normalised: str, memo: dict[str, str]) -> tuple[list[str], list[str]]:
    """``(name_keys(normalised), part_keys(normalised))`` in one pass over the
    parts of a name already normalised, as a load makes them once per distinct
    listed name; ``memo`` (the load's) keeps each part's phonetic key (the
    joined pairs' keys, nearly all distinct, are not kept).

    >>> entry_keys("SMITH, JOHN", {}) == (name_keys("SMITH, JOHN"), part_keys("SMITH, JOHN"))
    True
    """
    plain = normalised.replace(",", "")
    raw = plain.split()
    toks = [fold(t) for t in raw]
    # names.blocking_keys (the name is normalised: normalize() leaves it as it is)
    keys: list[str] = []
    full = [t for t in toks if len(t) > 1 and t not in PARTICLES]
    for tok in full:
        keys.append(_key(tok, memo))
        if tok.startswith(_ARTICLES) and len(tok) >= 6:  # as _phonetic._keys_of
            keys.append(_key(tok[2:], memo))
    for left, right in itertools.pairwise(toks):
        if len(left) > 1 and len(right) > 1 and right not in PARTICLES:
            keys.append(names.phonetic_key(left + right))
    if not full:
        keys.extend(_key(t, memo) for t in toks)
    out = list(dict.fromkeys(k for k in keys if k))[:MAX_KEYS]
    # letter_keys
    family, comma, given = normalised.partition(", ")
    letters = plain.replace(" ", "")
    if letters:
        out.append(f"#{letters}")
    if comma:
        swapped = (given + family).replace(" ", "")
        if swapped and swapped != letters:
            out.append(f"#{swapped}")
    # the composite keys, and part_keys
    parts = [t for t in raw if t not in PARTICLES][:4]
    pk: list[str] = []
    for i, token in enumerate(parts):
        if len(token) < 2:
            continue
        key = _key(token, memo)
        if not key:
            continue
        pk.append(key)
        for j, other in enumerate(parts):
            if j != i:
                out.append(f"{key}/{other[0]}")
    return list(dict.fromkeys(out)), pk


def _key(token: str, memo: dict[str, str]) -> str:
    key = memo.get(token)
    if key is None:
        key = memo[token] = names.phonetic_key(token)
    return key


def letter_keys(normalised: str) -> list[str]:
    """All the name's letters run together, as written and given names first:
    what finds MARTI NDUBOIS or PIERREDUPONT (a shifted or lost space) for
    DUBOIS, MARTIN or PIERRE DUPONT, and what counts a name's namesakes."""
    return list(dict.fromkeys(f for f in letter_forms(normalised) if f))


def dob_keys(normalised: str, dob: names.PartialDate | None) -> list[str]:
    """DOB-aware keys: each full part's phonetic key with the birth year, the
    sorted parts' keys with the full date, and the full date alone (a typo in a
    namesake-heavy name with the exact DOB still shares one rare key with the
    query: about one listed person in 25,000 was born on a given day); without
    a date of birth, the sorted
    parts' keys marked "no DOB" (so that a listed person without a DOB is not
    crowded out by namesakes that have one).

    >>> dob_keys("SMITH, JOHN", names.PartialDate(1985, 3, 12))
    ['SM0@1985', 'YN@1985', 'SM0+YN@19850312', '@19850312']
    >>> dob_keys("SMITH, JOHN", None)
    ['SM0+YN@-']
    """
    return dob_keys_of(part_keys(normalised), dob)


def part_keys(normalised: str) -> list[str]:
    """The phonetic keys of the name's first four parts that are not initials."""
    pk = [names.phonetic_key(t) for t in _parts(normalised)[:4] if len(t) > 1]
    return [k for k in pk if k]


def dob_keys_of(pk: list[str], dob: names.PartialDate | None) -> list[str]:
    """:func:`dob_keys` from the name's part keys (:func:`part_keys`)."""
    if not pk:
        return []
    sig = "+".join(sorted(set(pk)))
    if dob is None:
        return [f"{sig}@-"]
    keys = [f"{k}@{dob.year}" for k in pk]
    if dob.month and dob.day:
        date = f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
        keys += [f"{sig}@{date}", f"@{date}"]
    return list(dict.fromkeys(keys))


def query_dob_keys(normalised: str, dob: names.PartialDate | None) -> list[str]:
    """The query's DOB-aware keys (none without a DOB): its own, the "no DOB" key
    (listed persons without a date are as good a candidate as those with the same
    date), and the full-date key with day and month swapped (a common slip)."""
    if dob is None:
        return []
    keys = dob_keys(normalised, dob) + dob_keys(normalised, None)
    if dob.month and dob.day and dob.day <= 12 and dob.day != dob.month:
        swapped = names.PartialDate(dob.year, dob.day, dob.month)
        keys += [k for k in dob_keys(normalised, swapped) if k not in keys]
    return keys


def letter_forms(normalised: str) -> list[str]:
    """The query's letters without spaces, as written and with the family part last."""
    family, comma, given = normalised.partition(", ")
    forms = [normalised.replace(",", "").replace(" ", "")]
    if comma:
        forms.append((given + family).replace(" ", ""))
    return forms

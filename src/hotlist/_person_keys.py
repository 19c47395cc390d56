"""Person blocking keys: the name keys and DOB-aware keys of a listed name, and the
keys a query looks up (:class:`hotlist._persons.PersonIndex` explains their use).
"""

from __future__ import annotations

from dataclasses import dataclass

from hotlist import names

__all__ = [
    "PersonQuery",
    "dob_keys",
    "dob_keys_of",
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

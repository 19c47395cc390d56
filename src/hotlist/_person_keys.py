"""Person blocking keys: the name keys and DOB-aware keys of a listed name, and the
keys a query looks up (:class:`hotlist._persons.PersonIndex` explains their use).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names
from hotlist.index import TokenIndex
from hotlist.index._arrow import StringColumn
from hotlist.names._phonetic import _ARTICLES, _RULES, _SPELLED, MAX_KEYS, spelled_key
from hotlist.names._tokens import PARTICLES, fold
from hotlist.names._translit import transliterate

__all__ = [
    "PersonQuery",
    "dob_keys",
    "dob_keys_of",
    "entry_keys",
    "index_keys",
    "letter_forms",
    "letter_keys",
    "name_keys",
    "normalize_column",
    "part_keys",
    "query_dob_keys",
    "ranges",
    "split_keys",
    "token_index",
    "typo_keys",
]


KERNEL: ModuleType | None
"""The compiled :func:`index_keys` (:mod:`hotlist._person_keykernel`), or None when
it is not built or ``HOTLIST_PURE=1`` is set: then :func:`entry_keys` and the
Arrow/numpy assembly below (its reference, property-tested equal) do the work."""
try:
    import hotlist._person_keykernel as _keykernel
except ImportError:  # not built: pure Python
    KERNEL = None
else:
    KERNEL = None if os.environ.get("HOTLIST_PURE") else _keykernel
if KERNEL is not None:
    KERNEL.configure(_RULES, sorted(PARTICLES), _ARTICLES, MAX_KEYS, sorted(_SPELLED))


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


def normalize_column(values: pa.Array) -> pa.Array:
    """``names.normalize`` of each string of ``values`` (nulls stay null): the ASCII
    ones in one compiled pass when ``KERNEL`` is there, the others (and all of
    them without it) one by one in Python.

    >>> normalize_column(pa.array(["  smith ,john-paul", "Müller", None])).to_pylist()
    ['SMITH, JOHN PAUL', 'MUELLER', None]
    """
    values = values.cast(pa.string())
    if KERNEL is None or not len(values):
        return pa.array(
            [None if v is None else names.normalize(v) for v in values.to_pylist()], pa.string()
        )
    col = StringColumn.of(values)
    data, offsets, ascii_ = KERNEL.normalize_ascii(col.data, col.offsets.astype(np.int64))
    out = _strings(data, offsets)
    if values.null_count:
        out = pc.if_else(values.is_valid(), out, pa.nulls(len(values), pa.string()))
    other = ~ascii_
    if values.null_count:
        # a null's slot may hold any bytes: it stays null, whatever they are
        other &= np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    other = np.flatnonzero(other)
    if len(other):
        # the others transliterated piece by piece (between spaces: what the
        # transliteration does is local to a piece), each distinct piece once,
        # then normalised like the ASCII ones
        pieces = pc.split_pattern(values.take(pa.array(other)), " ")
        enc = pc.dictionary_encode(pc.list_flatten(pieces))
        done = [transliterate(v) for v in enc.dictionary.to_pylist()]
        lists = pa.ListArray.from_arrays(
            pieces.offsets, pa.array(done, pa.string()).take(enc.indices)
        )
        text = StringColumn.of(pc.binary_join(lists, " "))
        data, offsets, ascii_ = KERNEL.normalize_ascii(text.data, text.offsets.astype(np.int64))
        if not ascii_.all():  # pragma: no cover - transliterate's output is ASCII
            raise AssertionError("transliteration left a non-ASCII character")
        mask = np.zeros(len(values), dtype=bool)
        mask[other] = True
        out = pc.replace_with_mask(out, pa.array(mask), _strings(data, offsets))
    return out


def index_keys(
    normalised: pa.Array, years: np.ndarray, months: np.ndarray, days: np.ndarray
) -> pa.ListArray:
    """The keys of each listed name (``normalised``, one per entry, its owner's
    date of birth in ``years`` / ``months`` / ``days``, 0: none), exactly
    ``name_keys(v) + dob_keys(v, dob)`` of each entry, in that order (``[]``
    for an empty name), made for a whole load at once: the name keys once per
    distinct name (Python, with each distinct part's keys made once), the
    DOB-aware keys with Arrow and numpy over the entries.  The reference of the
    compiled :func:`token_index`, which numbers these keys without making the
    lists.
    """
    enc = pc.dictionary_encode(normalised.fill_null(""))
    which = np.asarray(enc.indices.to_numpy(), dtype=np.int64)
    distinct: list[str] = enc.dictionary.to_pylist()
    per_token: dict[str, tuple[str, ...]] = {}
    joined: dict[str, str] = {}
    name_lists: list[list[str]] = []
    part_lists: list[list[str]] = []
    for v in distinct:
        if v:
            nk, pk = entry_keys(v, per_token, joined)
        else:
            nk, pk = [], []
        name_lists.append(nk)
        part_lists.append(list(dict.fromkeys(pk)))
    del per_token, joined
    nk_flat, nk_off = _flat(name_lists)
    pk_flat, pk_off = _flat(part_lists)
    sigs = pa.array(["+".join(sorted(set(pk))) for pk in part_lists], pa.string())
    has_parts = (np.diff(pk_off) > 0)[which]
    year = np.asarray(years, dtype=np.int64)
    dated = year > 0
    full = dated & (np.asarray(months) > 0) & (np.asarray(days) > 0)
    n = len(which)
    # pieces per entry, in order: name keys, year keys, the two full-date keys, "no DOB"
    n_name = np.diff(nk_off)[which]
    n_year = np.where(dated & has_parts, np.diff(pk_off)[which], 0)
    n_date = np.where(full & has_parts, 2, 0)
    n_none = (~dated & has_parts).astype(np.int64)
    total = n_name + n_year + n_date + n_none
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(total, out=offsets[1:])
    start = offsets[:-1]
    values: list[pa.Array] = []
    dest: list[np.ndarray] = []
    # name keys
    pos, at = ranges(nk_off[which], n_name)
    values.append(nk_flat.take(pa.array(pos)))
    dest.append(start[at] + (pos - nk_off[which][at]))
    # year keys: each distinct part key with the birth year
    pos, at = ranges(pk_off[which], n_year)
    year_text = pc.cast(pa.array(year[at]), pa.string())
    values.append(pc.binary_join_element_wise(pk_flat.take(pa.array(pos)), year_text, "@"))
    dest.append(start[at] + n_name[at] + (pos - pk_off[which][at]))
    # full date: the sorted parts' keys with it, and the date alone
    rows = np.flatnonzero(n_date)
    ymd = year[rows] * 10000 + np.asarray(months, dtype=np.int64)[rows] * 100
    ymd += np.asarray(days, dtype=np.int64)[rows]
    date = pc.utf8_lpad(pc.cast(pa.array(ymd), pa.string()), 8, "0")
    values.append(pc.binary_join_element_wise(sigs.take(pa.array(which[rows])), date, "@"))
    dest.append(start[rows] + n_name[rows] + n_year[rows])
    values.append(pc.binary_join_element_wise(pa.array([""] * len(rows), pa.string()), date, "@"))
    dest.append(start[rows] + n_name[rows] + n_year[rows] + 1)
    # no date of birth
    rows = np.flatnonzero(n_none)
    values.append(pc.binary_join_element_wise(sigs.take(pa.array(which[rows])), "-", "@"))
    dest.append(start[rows] + n_name[rows])
    order = np.empty(int(offsets[-1]), dtype=np.int64)
    order[np.concatenate(dest)] = np.arange(len(order), dtype=np.int64)
    flat = pa.concat_arrays([v.cast(pa.string()) for v in values]).take(pa.array(order))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), flat)


def token_index(
    normalised: pa.Array, years: np.ndarray, months: np.ndarray, days: np.ndarray
) -> TokenIndex:
    """``TokenIndex.build(index_keys(normalised, years, months, days))`` (one row per
    entry), the compiled way when ``KERNEL`` is there: the keys numbered as they
    are made, in the order the list array's dictionary encoding would number them
    (the same vocabulary, postings and offsets), without making the list array."""
    if KERNEL is not None:
        enc = pc.dictionary_encode(normalised.fill_null(""))
        col = StringColumn.of(enc.dictionary)
        which = np.asarray(enc.indices.to_numpy(), dtype=np.int64)
        dob = [np.ascontiguousarray(a, dtype=np.int64) for a in (years, months, days)]
        out = KERNEL.entry_key_pairs(col.data, col.offsets.astype(np.int64), which, *dob)
        if out is not None:
            data, offsets, pairs = out
            return TokenIndex.from_pairs(_strings(data, offsets), pairs, len(normalised))
    return TokenIndex.build(index_keys(normalised, years, months, days))


def _strings(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """The string array of a kernel's bytes and int64 offsets (32-bit offsets while they fit)."""
    if len(data) >= 1 << 31:
        return pa.LargeStringArray.from_buffers(
            len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
        )
    return pa.StringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)
    )


def _flat(lists: list[list[str]]) -> tuple[pa.Array, np.ndarray]:
    """The strings of ``lists`` one after the other, and where each list starts."""
    sizes = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return pa.array(list(itertools.chain.from_iterable(lists)), pa.string()), offsets


def ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``starts[i] .. starts[i] + counts[i]`` of each ``i`` in turn,
    and the ``i`` of each (CSR slices gathered without a Python loop).

    >>> [a.tolist() for a in ranges(np.array([5, 0, 9]), np.array([2, 0, 1]))]
    [[5, 6, 9], [0, 0, 2]]
    """
    at = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - first, counts)
    return pos, at


def entry_keys(
    normalised: str,
    per_token: dict[str, tuple[str, ...]],
    joined: dict[str, str] | None = None,
) -> tuple[list[str], list[str]]:
    """``(name_keys(normalised), part_keys(normalised))`` in one pass over the
    parts of a name already normalised, as a load makes them once per distinct
    listed name; ``per_token`` (the load's) keeps each part's folded form and
    the phonetic keys of it, of it without an attached article ("" if none)
    and of the part as written, and its spelled key; ``joined`` each joined
    pair's key (and, under ``~`` and the pair, its spelled key).

    >>> entry_keys("SMITH, JOHN", {}) == (name_keys("SMITH, JOHN"), part_keys("SMITH, JOHN"))
    True
    """
    joined = {} if joined is None else joined
    raw = normalised.replace(",", "").split()
    info = [per_token.get(t) or _token_info(t, per_token) for t in raw]
    # names.blocking_keys (the name is normalised: normalize() leaves it as it is)
    keys: list[str] = []
    pairs: list[str] = []
    spelled: list[str] = []
    spelled_pairs: list[str] = []
    has_full = False
    prev: tuple[str, ...] = ()
    for x in info:
        if x[1]:  # a full part (not a particle or an initial)
            has_full = True
            keys.append(x[2])
            if x[3]:
                keys.append(x[3])
            spelled.append(x[8])
            if prev and len(prev[0]) > 1:  # joined with the part before
                both = prev[0] + x[0]
                key = joined.get(both)
                if key is None:
                    key = joined[both] = names.phonetic_key(both)
                    joined[f"~{both}"] = spelled_key(both)
                pairs.append(key)
                spelled_pairs.append(joined[f"~{both}"])
        prev = x
    keys += pairs
    keys += spelled
    keys += spelled_pairs
    if not has_full:
        keys.extend(x[2] for x in info)
    seen = dict.fromkeys(keys)
    seen.pop("", None)
    out = list(seen)[:MAX_KEYS]
    # letter_keys
    family, comma, given = normalised.partition(", ")
    letters = "".join(raw)
    if letters:
        out.append(f"#{letters}")
    if comma:
        swapped = (given + family).replace(" ", "")
        if swapped and swapped != letters:
            out.append(f"#{swapped}")
    # the composite keys (each part's key with each other part's initial), part_keys
    parts = [x for x in info if x[4]][:4]
    pk: list[str] = []
    for i, x in enumerate(parts):
        if x[5]:
            pk.append(x[5])
            out.extend(x[6] + y[7] for j, y in enumerate(parts) if j != i)
    return list(dict.fromkeys(out)), pk


def _token_info(token: str, per_token: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """What :func:`entry_keys` needs of one part, made once per load: its folded
    form, whether that is a full part ("1", else ""), the folded form's phonetic
    key and that of it without an attached article (``_phonetic._keys_of``;
    "" if none); whether the part as written is no particle ("1"), its
    phonetic key if it has two letters or more (else ""), that key with a
    slash, its initial, and the spelled key of the folded form
    (``names._phonetic.spelled_key``)."""
    f = fold(token)
    full = "1" if len(f) > 1 and f not in PARTICLES else ""
    art = names.phonetic_key(f[2:]) if f.startswith(_ARTICLES) and len(f) >= 6 else ""
    key = names.phonetic_key(token) if len(token) > 1 else ""
    out = (
        f,
        full,
        names.phonetic_key(f),
        art,
        "" if token in PARTICLES else "1",
        key,
        f"{key}/",
        token[0],
        spelled_key(f),
    )
    per_token[token] = out
    return out


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
    date), each part's key with the birth year one and two years off (between
    full dates a year off is strong evidence: a namesake born a year earlier must
    not be crowded out of the candidates when the name alone is too common to be
    a key), the full-date key with day and month swapped (a common slip), and
    for a query of one part, the full-date key (no name) of the date a year
    earlier and later: a name whose parts were all joined and respelled
    (MACUMOTOHIROSZI for MATSUMOTO, HIROSHI) shares no part key with the listed
    name, so with the year off by one only a key without the name finds it
    (reviewer's Y-9: such persons, which the scorer puts at 0.88-0.997, were
    never candidates).

    >>> query_dob_keys("SMITH", names.PartialDate(1985, 3, 12))[:4]
    ['SM0@1985', 'SM0@19850312', '@19850312', 'SM0@-']
    >>> query_dob_keys("SMITH", names.PartialDate(1985, 3, 12))[4:10]
    ['SM0@1984', 'SM0@1986', 'SM0@1983', 'SM0@1987', 'SM0@19851203', '@19851203']
    >>> query_dob_keys("SMITH", names.PartialDate(1985, 3, 12))[10:]
    ['@19840312', '@19860312']
    >>> [k for k in query_dob_keys("SMITH, JOHN", names.PartialDate(1985, 3, 12)) if k[0] == "@"]
    ['@19850312', '@19851203']
    """
    if dob is None:
        return []
    pk = part_keys(normalised)
    keys = dob_keys_of(pk, dob) + dob_keys_of(pk, None)
    keys += [f"{k}@{dob.year + off}" for off in (-1, 1, -2, 2) for k in pk]
    if dob.month and dob.day and dob.day <= 12 and dob.day != dob.month:
        swapped = names.PartialDate(dob.year, dob.day, dob.month)
        keys += [k for k in dob_keys(normalised, swapped) if k not in keys]
    if len(pk) == 1 and dob.month and dob.day:
        # one part (a name of several parts has their keys @ year +-1 above;
        # asked of every query, these keys' ~80 strangers cost 15 % a check at 1 M)
        keys += [f"@{dob.year + off:04d}{dob.month:02d}{dob.day:02d}" for off in (-1, 1)]
    return keys


SPLIT_FROM = 3
"""The shortest piece :func:`split_keys` cuts a one-part name into."""


def split_keys(normalised: str) -> list[str]:
    """For a name of one full part (particles and initials aside), the phonetic
    keys of its pieces: each cut into a head and a tail of ``SPLIT_FROM``
    letters or more.  A listed name asked with all its parts run together and
    respelled (VAN DEN HENSTYATRYA for VAN DEN HENST, YARYA; MACUMOTOHIROSZI
    for MATSUMOTO, HIROSHI) shares no name key with it: the key of the run is
    not the key of any listed part or pair, and its letters are not the
    listed ones.  A cut where the parts met gives a piece whose key is the
    listed part's when the respelling is in the other piece; with the two
    letters at the cut swapped, when it is a transposition of the letters
    where the parts met.  Empty for a name of several full parts (their own
    keys find such a name).

    >>> names.phonetic_key("HENST"), "HNST" in split_keys("VAN DEN HENSTYATRYA")
    ('HNST', True)
    >>> split_keys("SMITH, JOHN")
    []
    """
    full = [t for t in _parts(normalised) if len(t) > 1]
    if len(full) != 1:
        return []
    token = full[0]
    pieces: list[str] = []
    for i in range(SPLIT_FROM, len(token) - SPLIT_FROM + 1):
        pieces += [token[:i], token[i:]]
        # the two letters where the parts met swapped back (JAUVRICTOR for
        # JAUR, VICTOR: a transposition there leaves no piece whole)
        swapped = token[: i - 1] + token[i] + token[i - 1] + token[i + 1 :]
        pieces += [swapped[:i], swapped[i:]]
    own = set(names.blocking_keys(normalised))
    keys = dict.fromkeys(k for k in map(names.phonetic_key, pieces) if k and k not in own)
    return list(keys)


TYPO_FROM = 4
"""The shortest part :func:`typo_keys` looks at."""
TYPO_RARE = 2
"""A part whose phonetic key at most this many listed names carry may be a
typo (its key met few by chance): :func:`typo_keys` looks its key's one-edit
forms up.  Measured on Y's heavy sweep (silent.py 5000 4000 21 1): silent
misses 26 at 0, 9 at 1, 5 at 2 and at 5."""
_KEY_LETTERS = "ABFHJKLMNPRSTWXY0"  # what phonetic_key writes


def typo_keys(normalised: str, df: Callable[[str], int]) -> list[str]:
    """When every part of ``TYPO_FROM`` letters or more has a phonetic key at
    most ``TYPO_RARE`` listed names carry (``df``), the keys one edit away from
    each: a letter of the key changed, dropped or added.  A name with a typo in
    every part (FANH, WQIANG for FANG, QIANG; TAQUEL BFIO for BRIO, RAQUEL) and
    the DOB off shares no key with the listed name (reviewer's Y-27): a typo's
    key is mostly one edit from the listed part's (FNH / FNK, TKL / RKL), and a
    misspelt part's key is carried by few names, by chance.  A name with a
    part that many listed names carry gets none: that part's own key finds a
    listed name it belongs to (most names).

    >>> "FNK" in typo_keys("FANH, WQIANG", lambda key: 0)
    True
    >>> typo_keys("FANH, QIANG", lambda key: 0 if key == "FNH" else 50)  # QIANG: many
    []
    """
    parts = [names.phonetic_key(p) for p in _parts(normalised) if len(p) >= TYPO_FROM]
    if not parts or any(df(key) > TYPO_RARE for key in parts):
        return []  # a part many listed names carry finds the listed name by its key
    own = set(names.blocking_keys(normalised))
    keys: dict[str, None] = {}
    for key in parts:
        if len(key) < 2:
            continue
        near = [key[:j] + key[j + 1 :] for j in range(len(key))]
        for j in range(len(key) + 1):
            near += [key[:j] + c + key[j:] for c in _KEY_LETTERS]
            if j < len(key):
                near += [key[:j] + c + key[j + 1 :] for c in _KEY_LETTERS if c != key[j]]
        keys.update(dict.fromkeys(k for k in near if len(k) >= 2 and k not in own))
    return list(keys)


def letter_forms(normalised: str) -> list[str]:
    """The query's letters without spaces, as written and with the family part last."""
    family, comma, given = normalised.partition(", ")
    forms = [normalised.replace(",", "").replace(" ", "")]
    if comma:
        forms.append((given + family).replace(" ", ""))
    return forms

"""The fast pieces of the person bound against slow references.

- the letter test that spares the partial ratio (``shared_enough``) never
  refuses a pair whose partial ratio reaches ``JOIN_PARTIAL``;
- the candidates' parts gathered from the per-name part ids (``_gather_parts``)
  are the names' parts as Arrow splits them, each distinct part once;
- the bound with its per-part arrays filled in any order (first met in one
  query, then another) is the bound of a fresh index;
- the load's one-pass keys of a listed name (``entry_keys``) are its
  ``name_keys`` and ``part_keys``.
"""

from __future__ import annotations

import numpy as np
import pytest
from engine_tables import persons_table
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

import hotlist
from hotlist import names
from hotlist._person_keys import entry_keys, name_keys, part_keys
from hotlist._person_targets import JOIN_PARTIAL, letters, shared_enough
from hotlist._persons import PersonQuery

_TOKEN = st.text(alphabet="ABCDEHILMNORSUYÄ-'", min_size=1, max_size=14)

LISTED = [
    "KHAN, Imran Bin Saleh",
    "MUELLER, Juergen",
    "IVANOV, Sergei Petrovich",
    "WONG, Hsiu Ying",
    "DE LA CRUZ, Maria",
    "AL HASSAN, Omar",
    "SMITH, J",
    "MARTIN DUBOIS",
    "NGUYEN, Van Minh",
    "VAN DER BERG, Y",
]


@settings(max_examples=400, deadline=None)
@given(part=_TOKEN, targets=st.lists(_TOKEN, min_size=1, max_size=4))
def test_the_letter_test_never_refuses_a_partial_ratio_that_passes(
    part: str, targets: list[str]
) -> None:
    counts = letters(part)[None, :]
    sizes = np.array([len(part)], dtype=np.int64)
    allowed = shared_enough(counts, sizes, targets)[0]
    for j, t in enumerate(targets):
        if fuzz.partial_ratio(part, t, score_cutoff=JOIN_PARTIAL) >= JOIN_PARTIAL:
            assert allowed[j], (part, t)


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    rows = [
        {"record_id": f"P{i}", "name": n, "dob_year": 1970 + i, "notice_type": "red"}
        for i, n in enumerate(LISTED)
    ]
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@settings(max_examples=60, deadline=None)
@given(picked=st.lists(st.integers(0, len(LISTED) - 1), max_size=12))
def test_gathered_parts_are_the_names_parts(hl: hotlist.Hotlist, picked: list[int]) -> None:
    index = hl._state.persons
    entries = np.asarray(picked, dtype=np.int64)
    parent, indices, uniq, count = index._gather_parts(entries)
    assert len(set(uniq.tolist())) == len(uniq)
    texts = index.part_text.take(uniq).to_pylist()
    got: list[list[str]] = [[] for _ in picked]
    for p, i in zip(parent.tolist(), indices.tolist(), strict=True):
        got[p].append(texts[i])
    listed = index.normalised.take(entries).to_pylist()
    assert got == [(v or "").replace(",", "").split() for v in listed]
    assert count.tolist() == [len(g) for g in got]


QUERIES = ["IMRAN BIN SALEH KHAN", "JURGEN MULLER", "HSIU YING WONG", "DELACRUZ MARIA", "J SMITH"]


def test_the_bound_does_not_depend_on_which_queries_came_first(hl: hotlist.Hotlist) -> None:
    index = hl._state.persons
    every = np.arange(index.num_entries)
    queries = [PersonQuery(names.normalize(q), None, None, None) for q in QUERIES]
    first = [index.bound(q, every) for q in queries]  # fills the per-part arrays
    fresh = hotlist.Hotlist.from_tables(persons=hl._state.tables["persons"])._state.persons
    again = [fresh.bound(q, every) for q in reversed(queries)][::-1]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)


_PART = st.sampled_from(
    ["AL", "ALHASSAN", "BIN", "J", "DE", "LA", "Y", "VAN", "MARIA", "ELIAS", "ULRICH", "LI", "X"]
)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(_PART, _TOKEN), min_size=1, max_size=8),
    comma=st.integers(0, 8),
)
def test_entry_keys_are_name_keys_and_part_keys(parts: list[str], comma: int) -> None:
    text = " ".join(parts[:comma]) + ", " + " ".join(parts[comma:]) if comma else " ".join(parts)
    name = names.normalize(text)
    memo: dict[str, str] = {}
    assert entry_keys(name, memo) == (name_keys(name), part_keys(name))
    assert entry_keys(name, memo) == (name_keys(name), part_keys(name))  # with the memo filled

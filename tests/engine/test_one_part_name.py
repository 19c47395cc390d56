"""A listed name asked as one part -- all its parts run together and respelled --
with no date of birth, or the year only, is a candidate (the one-part class
Y-9's date keys left: such a query shares no name key with the listed name,
the key of the run is no listed part's or pair's and its letters are not the
listed ones, so a person the scorer puts over the threshold was missed without
a word).  Its pieces' keys (``_person_keys.split_keys``) find it."""

from __future__ import annotations

import pytest
from engine_tables import persons_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import names
from hotlist._person_keys import SPLIT_FROM, name_keys, split_keys
from hotlist._persons import PersonQuery
from hotlist.names._dob import parse_dob


def _hotlist(listed: str) -> hotlist.Hotlist:
    rows = [
        {"record_id": "P0", "name": listed, "date_of_birth": "1980", "dob_year": 1980,
         "notice_type": "red"},
        {"record_id": "P1", "name": "DUBOIS, Martin", "date_of_birth": "1981-05-06",
         "dob_year": 1981, "dob_month": 5, "dob_day": 6, "notice_type": "red"},
    ]  # fmt: skip
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@pytest.mark.parametrize(
    ("listed", "query", "dob"),
    [
        ("VAN DEN HENST, Yarya", "VAN DEN HENSTYATRYA", None),  # bound_sweep --check-all's one
        ("VAN DEN HENST, Yarya", "VAN DEN HENSTYATRYA", "1980"),
        ("BRADSHAW, Tracy", "BRADSHAWTRAKY", "1980"),
        ("BRADSHAW, Tracy", "BRADSHATRACY", "1980"),
        ("MATSUMOTO, Hiroshi", "MACUMOTOHIROSZI", "1980"),
        ("JAUR, Victor", "JAUVRICTOR", "1980"),  # letters swapped where the parts meet
        ("RADISCH, Willy", "RADISCWHILLY", "1980"),
    ],
)
def test_a_joined_respelled_name_is_found(listed: str, query: str, dob: str | None) -> None:
    hl = _hotlist(listed)
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    q = PersonQuery(names.normalize(query), parse_dob(dob) if dob else None, None, None)
    score = idx.score_pair(q, 0)
    assert score.probability >= names.MATCH_THRESHOLD, score.reasons  # the scorer's hit
    assert not set(name_keys(q.name)) & set(name_keys(idx.normalised[0].as_py()))
    assert 0 in idx.candidates(q).tolist()
    kw = {"dob": dob} if dob else {}
    assert "P0" in {h.record_id for h in hl.check(name=query, **kw).hits}


_PART = st.text(st.sampled_from("ABDEHIKLMNORSTUYZ"), min_size=SPLIT_FROM, max_size=9)


@settings(max_examples=300, deadline=None)
@given(_PART, _PART, st.sampled_from(["", "VAN ", "AL ", "J "]))
def test_a_one_part_name_looks_up_each_pieces_key(head: str, tail: str, extra: str) -> None:
    """The reference: every cut into pieces of SPLIT_FROM letters or more, both
    pieces' keys, and theirs with the two letters at the cut swapped, those not
    among the name's own keys; none for several parts."""
    name = extra + head + tail
    token = head + tail
    own = set(names.blocking_keys(name))
    want = set()
    for i in range(SPLIT_FROM, len(token) - SPLIT_FROM + 1):
        letters = list(token)
        letters[i - 1], letters[i] = letters[i], letters[i - 1]
        swapped = "".join(letters)
        for p in (token[:i], token[i:], swapped[:i], swapped[i:]):
            want.add(names.phonetic_key(p))
    want -= own | {""}
    got = split_keys(name)
    assert len(got) == len(set(got))
    assert set(got) == want
    assert names.phonetic_key(head) in set(got) | own
    if head not in names.PARTICLES and tail not in names.PARTICLES:
        assert split_keys(f"{head} {tail}") == []

"""A listed name asked with a typo in every part and the date of birth off
(a digit, a placeholder, the year only) is a candidate (reviewer's Y-27: no
phonetic key of the query met the listed name's, and no date key either, so
a person the scorer puts over the threshold was missed without a word).  A
part whose key few listed names carry looks up the keys one edit from it
(``_person_keys.typo_keys``)."""

from __future__ import annotations

import jellyfish
import pytest
from engine_tables import persons_table
from hypothesis import given
from hypothesis import strategies as st

import hotlist
from hotlist import names
from hotlist._person_keys import _KEY_LETTERS, TYPO_FROM, TYPO_RARE, typo_keys
from hotlist._persons import PersonQuery
from hotlist.names._dob import parse_dob


def _hotlist(listed: str, dob: str) -> hotlist.Hotlist:
    y, m, d = (int(x) for x in dob.split("-"))
    rows = [
        {"record_id": "P0", "name": listed, "date_of_birth": dob, "dob_year": y,
         "dob_month": m, "dob_day": d, "notice_type": "red"},
        {"record_id": "P1", "name": "DUBOIS, Martin", "date_of_birth": "1981-05-06",
         "dob_year": 1981, "dob_month": 5, "dob_day": 6, "notice_type": "red"},
    ]  # fmt: skip
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@pytest.mark.parametrize(
    ("listed", "listed_dob", "query", "dob"),
    [
        ("FANG, Qiang", "1968-03-04", "FANH, WQIANG", "1968-01-01"),
        ("BRIO, Raquel", "1944-08-12", "TAQUEL BFIO", "1944-08"),
        ("ESGERLI, Dilsad", "1992-05-06", "EILSAD ESERLI", "1992"),
        ("MHIDB, Jhra", "1953-07-08", "MGIDB, JRA", "1953-01-01"),
        ("HOARC, Frederic", "2002-10-03", "FREDERI HOQRC", "2002-10-08"),
    ],
)
def test_a_name_with_a_typo_in_every_part_is_found(
    listed: str, listed_dob: str, query: str, dob: str
) -> None:
    hl = _hotlist(listed, listed_dob)
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    q = PersonQuery(names.normalize(query), parse_dob(dob), None, None)
    score = idx.score_pair(q, 0)
    assert score.probability >= names.MATCH_THRESHOLD, score.reasons  # the scorer's hit
    assert 0 in idx.candidates(q).tolist()
    assert "P0" in {h.record_id for h in hl.check(name=query, dob=dob).hits}


_PART = st.text(st.sampled_from("ABDEFGHIKLMNOQRSTUWZ"), min_size=2, max_size=9)


@given(st.lists(_PART, min_size=1, max_size=3), st.integers(0, 4))
def test_typo_keys_are_the_keys_one_edit_from_a_rare_parts_key(parts: list[str], df: int) -> None:
    name = " ".join(parts)
    got = typo_keys(name, lambda key: df)
    assert len(got) == len(set(got))
    own = set(names.blocking_keys(name))
    keys = [
        names.phonetic_key(p) for p in parts if p not in names.PARTICLES and len(p) >= TYPO_FROM
    ]
    rare = [k for k in keys if len(k) >= 2] if keys and df <= TYPO_RARE else []
    if not rare:
        assert got == []
    for k in got:  # each one edit from a rare part's key, none of the name's own
        assert k not in own and len(k) >= 2
        assert any(jellyfish.levenshtein_distance(k, key) == 1 for key in rare)
    for key in rare:  # and every such key there
        for j in range(len(key)):
            for c in _KEY_LETTERS:
                for k in (
                    key[:j] + c + key[j + 1 :],
                    key[:j] + key[j + 1 :],
                    key[:j] + c + key[j:],
                ):
                    if k != key and len(k) >= 2 and k not in own:
                        assert k in got

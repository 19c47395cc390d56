"""A listed name asked with all its parts joined and respelled and the year of
birth one off is a candidate (reviewer's Y-9: it shared no key with the listed
name, since the DOB-aware keys are the parts' keys and the date alone only for
the exact date, so a person the scorer puts at 0.88-0.997 was missed without a
word)."""

from __future__ import annotations

import pytest
from engine_tables import persons_table

import hotlist
from hotlist import names
from hotlist._persons import PersonQuery
from hotlist.names._dob import parse_dob


def _hotlist(listed: str) -> hotlist.Hotlist:
    rows = [
        {"record_id": "P0", "name": listed, "date_of_birth": "1980-05-06", "dob_year": 1980,
         "dob_month": 5, "dob_day": 6, "notice_type": "red"},
        {"record_id": "P1", "name": "DUBOIS, Martin", "date_of_birth": "1981-05-06",
         "dob_year": 1981, "dob_month": 5, "dob_day": 6, "notice_type": "red"},
    ]  # fmt: skip
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@pytest.mark.parametrize(
    ("listed", "query"),
    [
        ("MATSUMOTO, Hiroshi", "MACUMOTOHIROSZI"),
        ("HODGSON, Jamie", "HODGSONGAMIE"),
        ("NGUYEN, Tung", "HGUYENTUNG"),
    ],
)
@pytest.mark.parametrize("dob", ["1981-05-06", "1979-05-06"])
def test_a_joined_respelled_name_a_year_off_is_found(listed: str, query: str, dob: str) -> None:
    hl = _hotlist(listed)
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    q = PersonQuery(names.normalize(query), parse_dob(dob), None, None)
    score = idx.score_pair(q, 0)
    assert score.probability >= names.MATCH_THRESHOLD, score.reasons  # the scorer's hit
    assert 0 in idx.candidates(q).tolist()
    assert "P0" in {h.record_id for h in hl.check(name=query, dob=dob).hits}

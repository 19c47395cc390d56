"""A listed part's term frequency is counted by its spelled key, and a typo that
breaks a TS / DH / SZ / CZ / TCH digraph still finds it (reviewer's Y-6; the key
itself: tests/names/test_spelled_key.py)."""

from __future__ import annotations

from engine_tables import persons_table

import hotlist
from hotlist import names
from hotlist._person_keys import name_keys
from hotlist._persons import PersonQuery
from hotlist.names._dob import parse_dob


def _table(rows: list[tuple[str, str]]) -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(
        persons=persons_table(
            [
                {
                    "record_id": f"P{i}",
                    "name": n,
                    "date_of_birth": d,
                    "dob_year": int(d[:4]),
                    "notice_type": "red",
                }
                for i, (n, d) in enumerate(rows)
            ]
        )
    )


def test_a_rare_ts_name_has_its_own_term_frequency() -> None:
    rows = [(f"ZAIZEVA, {g}", "1970") for g in ("ANNA", "OLGA", "IRINA", "MARIA", "NINA")] * 8
    hl = _table([("ZAITSEVA, VERA", "1961"), *rows])
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    assert names.phonetic_key("ZAITSEVA") == names.phonetic_key("ZAIZEVA")
    assert idx.tf("ZAITSEVA") * 4 < idx.tf("ZAIZEVA")
    rare = idx.score_pair(PersonQuery("ZAITSEVA, VERA", None, None, None), 0)
    common = idx.score_pair(PersonQuery("ZAIZEVA, ANNA", None, None, None), 1)
    assert rare.bits > common.bits + 3


def test_a_typo_breaking_the_digraph_still_finds_the_name() -> None:
    hl = _table([("PEDRAK, OSKASZEM", "1956"), ("DUBOIS, MARTIN", "1956")])
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    q = PersonQuery("PEDRAKOSKAAZEM", parse_dob("1956"), None, None)
    assert idx.score_pair(q, 0).probability >= names.MATCH_THRESHOLD
    assert "PTRKSKSM" in name_keys("PEDRAK, OSKASZEM")  # the joined pair's spelled key
    assert 0 in idx.candidates(q).tolist()
    assert "P0" in {h.record_id for h in hl.check(name="PEDRAKOSKAAZEM", dob="1956").hits}

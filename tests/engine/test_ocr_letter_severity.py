"""An OCR match that differs only where a letter stands for a look-alike letter is `possible`.

At SLTD density (benchmarks/sltd_density.py) an issuer that uses both O and Q (or I
and L) in the same position has innocent travellers whose valid number equals a
listed one but for those letters: Q39380850 against a listed O39380850 are two
documents.  A digit read as a letter (or the reverse) stays an alarm: a national
format fixes which positions hold digits, so that is a misread.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pyarrow as pa
from engine_tables import documents_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
import independent_reference as ref
from hotlist._decisions import (
    document_severity,
    ocr_letter_reason,
    ocr_letter_swaps,
    severity_from_reasons,
)
from hotlist._documents import document_score
from hotlist.ids import mrz as mrz_ids

LISTED = [
    ("D0", "O39380850", "UTO", "passport", "stolen"),
    ("D1", "L12345678", "UTO", "passport", "stolen"),
    ("D2", "B77700011", "FRA", "passport", "lost"),
]


def _hl(expires: dt.date | None = None) -> hotlist.Hotlist:
    table = documents_table(LISTED)
    if expires is not None:
        i = table.schema.get_field_index("expires_on")
        table = table.set_column(
            i, table.schema.field(i), pa.array([expires] * table.num_rows, pa.date32())
        )
    return hotlist.Hotlist.from_tables(documents=table)


HL = _hl()


def _only(r: hotlist.CheckResult) -> hotlist.Hit:
    assert len(r.hits) == 1, r.hits
    return r.hits[0]


def test_letters_read_as_letters_are_possible_with_a_reason() -> None:
    r = HL.check(document="Q39380850", country="UTO")
    hit = _only(r)
    assert (hit.record_id, hit.match, hit.severity, r.alarm) == ("D0", "ocr", "possible", False)
    assert ocr_letter_reason([("O", "Q")]) in hit.reasons
    assert hit.action.startswith("Possible match")
    # I read as L, issuer not given: still only possible
    hit = _only(HL.check(document="I12345678"))
    assert (hit.record_id, hit.severity) == ("D1", "possible")
    assert any(
        x.startswith("letters read as other letters (listed L, asked I)") for x in hit.reasons
    )


def test_a_digit_read_as_a_letter_or_the_reverse_stays_an_alarm() -> None:
    for query, rid in [
        ("039380850", "D0"),  # 0 for O
        ("O3938O85O", "D0"),  # O for 0
        ("112345678", "D1"),  # 1 for L
        ("877700011", "D2"),  # 8 for B
        ("B777OOO11", "D2"),
        ("Q3938O850", "D0"),  # Q for O (letters) and O for 0 (a misread): alarm
        ("IL2345678", "D1"),  # I for L and L for 1
    ]:
        r = HL.check(document=query)
        hit = _only(r)
        assert (hit.record_id, hit.match, hit.severity, r.alarm) == (rid, "ocr", "alarm", True)
        assert not any(x.startswith("letters read as other letters") for x in hit.reasons)
    # the exact number is an alarm, in any spelling
    assert _only(HL.check(document="o3938-0850", country="UTO")).severity == "alarm"


def test_under_another_issuer_it_is_possible_for_both_reasons() -> None:
    hit = _only(HL.check(document="D39380850", country="FRA"))
    assert hit.severity == "possible"
    assert any(x.startswith("listed under issuing country UTO") for x in hit.reasons)
    assert any(
        x.startswith("letters read as other letters (listed O, asked D)") for x in hit.reasons
    )


def test_an_mrz_with_the_records_expiry_lifts_it_to_an_alarm() -> None:
    hl = _hl(dt.date(2031, 4, 2))

    def mrz(number: str, expiry: dt.date) -> str:
        return mrz_ids.build(
            "TD3",
            document_code="P",
            issuing_country="UTO",
            document_number=number,
            family_name="TRAVELLER",
            given_names="TOM",
            nationality="UTO",
            date_of_birth=dt.date(1980, 1, 1),
            sex="M",
            date_of_expiry=expiry,
        )

    same = next(h for h in hl.check(mrz=mrz("Q39380850", dt.date(2031, 4, 2))).hits)
    assert (same.record_id, same.match, same.severity) == ("D0", "ocr", "alarm")
    assert any("date of expiry 2031-04-02" in x for x in same.reasons)
    other = next(h for h in hl.check(mrz=mrz("Q39380850", dt.date(2032, 4, 2))).hits)
    assert (other.record_id, other.severity) == ("D0", "possible")


def test_check_many_gives_the_same_severity_reasons_and_action() -> None:
    queries = [
        {"document": q, "country": c}
        for q in ["Q39380850", "D39380850", "039380850", "I12345678", "112345678", "O39380850"]
        for c in [None, "UTO", "FRA"]
    ]
    rows = HL.check_many(queries).to_pylist()
    assert len(rows) == len(queries)
    for row in rows:
        q = queries[row["query_index"]]
        hit = _only(HL.check(**{k: v for k, v in q.items() if v is not None}))
        got = (row["record_id"], row["match"], row["reasons"], row["severity"], row["action"])
        assert got == (hit.record_id, hit.match, list(hit.reasons), hit.severity, hit.action)


def test_every_pair_of_each_lookalike_class() -> None:
    # exhaustive over the classes: letters-only iff both characters are letters
    for group in ref.DOCUMENT_LOOKALIKES:
        for a, b in itertools.permutations(group, 2):
            swaps = ocr_letter_swaps(f"X{a}7", f"X{b}7")
            assert (swaps == ((a, b),)) == (a.isalpha() and b.isalpha()), (a, b)
            assert (swaps is None) == (a.isdigit() or b.isdigit())
    assert ocr_letter_swaps("O39", "O39") is None  # no difference: exact
    assert ocr_letter_swaps("O39", "Q3") is None
    assert ocr_letter_swaps("OA9", "QB9") is None  # not OCR-equivalent


def test_the_reasons_say_the_same_severity_as_the_matcher() -> None:
    # severity_from_reasons (check_many's path) agrees with document_severity
    for asked, listed in itertools.product([None, "UTO", "FRA", "XXA"], ["UTO", "XXA", ""]):
        score, reasons = document_score("ocr", asked, listed, None, "passport")
        reasons = (*reasons, ocr_letter_reason([("I", "L")]))
        expected = document_severity("ocr", asked, listed, letters_only=True)
        assert expected == "possible"
        assert severity_from_reasons("documents", "ocr", score, reasons) == expected


@settings(max_examples=60, deadline=None)
@given(
    listed=st.lists(st.text("0ODQ1IL8B5S", min_size=3, max_size=6), min_size=1, max_size=6),
    pick=st.integers(0, 5),
    flips=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=3),
    asked=st.sampled_from([None, "UTO", "FRA"]),
)
def test_matches_the_independent_reference(
    listed: list[str], pick: int, flips: list[tuple[int, int]], asked: str | None
) -> None:
    rows = [(f"R{i}", n, "UTO", "passport", "stolen") for i, n in enumerate(listed)]
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    query = list(listed[pick % len(listed)])
    for at, to in flips:  # swap characters for others of their look-alike class
        ch = query[at % len(query)]
        group = next(g for g in ref.DOCUMENT_LOOKALIKES if ch in g)
        query[at % len(query)] = group[to % len(group)]
    number = "".join(query)
    expected = {
        e.record_id: (e.level, e.severity)
        for e in ref.documents([(r, n, c) for r, n, c, _, _ in rows], number, asked, max_edits=0)
    }
    given_: dict[str, Any] = {"document": number} | ({"country": asked} if asked else {})
    got = {h.record_id: (h.match, h.severity) for h in hl.check(**given_, max_edits=0).hits}
    assert got == expected
    batch = hl.check_many([given_], max_edits=0).to_pylist()
    assert {r["record_id"]: (r["match"], r["severity"]) for r in batch if r["hit"]} == expected

"""check() against slow, obviously correct references.

For documents, VINs and plates, every match level must return exactly the
records a brute-force scan with the same rules returns, with the same level and
score.  The references below are written plainly on purpose: a loop over every
record, the identifier normalisers, and a textbook edit-distance table.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from engine_tables import documents_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist
from hotlist._documents import document_score
from hotlist._vehicles import plate_score, vin_score
from hotlist.ids import docnum, plate, vin
from hotlist.schema import VEHICLES_SCHEMA
from references import osa_distance as osa

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Small alphabets with OCR twins, so that exact, ocr and edit neighbours are common.
numbers = st.text(alphabet="AB0O1IL8", min_size=3, max_size=6)
countries = st.sampled_from(["UTO", "FRA", "XXA"])


@SETTINGS
@given(
    records=st.lists(st.tuples(numbers, countries), min_size=1, max_size=25),
    query=numbers,
    asked=st.one_of(st.none(), countries),
    max_edits=st.sampled_from([0, 1]),
)
def test_documents_match_a_brute_force_scan(
    records: list[tuple[str, str]], query: str, asked: str | None, max_edits: int
) -> None:
    rows = [(f"D{i}", n, c, "passport", "stolen") for i, (n, c) in enumerate(records)]
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    got = {
        (h.record_id, h.match, h.score)
        for h in hl.check(
            document=query, country=asked, max_edits=max_edits, limit=1000, min_score=0.0
        ).hits
    }
    expected = set()
    q, qk = docnum.compact(query), docnum.ocr_key(query)
    for rid, number, issuer, _, _ in rows:
        n, nk = docnum.compact(number), docnum.ocr_key(number)
        if n == q:
            level = "exact"
        elif nk == qk:
            level = "ocr"
        elif max_edits and osa(nk, qk) <= 1:
            level = "edit"
        else:
            continue
        expected.add((rid, level, document_score(level, asked, issuer, None, "passport")[0]))
    assert got == expected


VIN_ALPHABET = "1M8GAX0O"  # O is repaired to 0 in VINs, so it tests the OCR level


def _vehicles(vins: list[str | None], plates: list[str | None], countries: list[str]) -> pa.Table:
    n = len(vins)
    return pa.table(
        {
            "record_id": [f"V{i}" for i in range(n)],
            "vin": vins,
            "plate": plates,
            "registration_country": countries,
            "make": [None] * n,
            "model": [None] * n,
            "colour": [None] * n,
            "year": pa.nulls(n, pa.int16()),
            "stolen_on": [dt.date(2024, 1, 1)] * n,
            "notes": [None] * n,
        }
    ).cast(VEHICLES_SCHEMA)


@SETTINGS
@given(
    stems=st.lists(
        st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17), min_size=1, max_size=20
    ),
    data=st.data(),
    max_edits=st.sampled_from([0, 1]),
)
def test_vins_match_a_brute_force_scan(
    stems: list[str], data: st.DataObject, max_edits: int
) -> None:
    hl = hotlist.Hotlist.from_tables(
        vehicles=_vehicles(list(stems), [None] * len(stems), ["USA"] * len(stems))
    )
    base = data.draw(st.sampled_from(stems))
    kind = data.draw(st.sampled_from(["same", "mutated", "suffix"]))
    if kind == "same":
        query = base
    elif kind == "mutated":
        i = data.draw(st.integers(0, 16))
        query = base[:i] + data.draw(st.sampled_from(VIN_ALPHABET)) + base[i + 1 :]
    else:
        query = base[-data.draw(st.integers(6, 8)) :]
    got = {
        (h.record_id, h.match, h.score)
        for h in hl.check(vin=query, max_edits=max_edits, limit=1000, min_score=0.0).hits
    }
    q = vin.repair(vin.compact(query))[0]
    qk = vin.ocr_key(q)
    expected = set()
    for i, listed in enumerate(stems):
        lc, lk = vin.compact(listed), vin.ocr_key(listed)
        if len(qk) <= 8:
            if not lk.endswith(qk):
                continue
            level = ("exact" if lc == q else "ocr") if lk == qk else "partial"
        elif lc == q:
            level = "exact"
        elif lk == qk:
            level = "ocr"
        elif max_edits and osa(lk, qk) <= 1:
            level = "edit"
        else:
            continue
        score = vin_score(level, len(qk))[0] if level == "partial" else vin_score(level)[0]
        expected.add((f"V{i}", level, score))
    assert got == expected


@SETTINGS
@given(
    records=st.lists(
        st.tuples(st.text(alphabet="AB0O1I-", min_size=2, max_size=6), countries),
        min_size=1,
        max_size=20,
    ),
    query=st.text(alphabet="AB0O1I -", min_size=2, max_size=7),
    asked=st.one_of(st.none(), countries),
)
def test_plates_match_a_brute_force_scan(
    records: list[tuple[str, str]], query: str, asked: str | None
) -> None:
    if not plate.is_valid(query):
        return
    plates = [p for p, _ in records]
    hl = hotlist.Hotlist.from_tables(
        vehicles=_vehicles([None] * len(plates), list(plates), [c for _, c in records])
    )
    got = {
        (h.record_id, h.match, h.score)
        for h in hl.check(plate=query, country=asked, limit=1000, min_score=0.0).hits
    }
    q, qk = plate.compact(query), plate.ocr_key(query)
    expected = set()
    for i, (listed, issuer) in enumerate(records):
        if plate.ocr_key(listed) != qk:
            continue
        level = "exact" if plate.compact(listed) == q else "ocr"
        expected.add((f"V{i}", level, plate_score(level, asked, issuer)[0]))
    assert got == expected

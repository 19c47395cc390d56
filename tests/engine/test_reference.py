"""check() against the matching rules as written, on generated lists and queries.

The expected answers come from ``tests/independent_reference.py``, a slow,
separate implementation of the README's match-level table and DESIGN.md's
"Matching semantics" that imports nothing from hotlist.  For documents, VINs
and plates, every record the rules match must be a hit at the level the rules
give, and nothing else may be; scores must follow the order the rules state
(a stronger level, or the asked issuer, scores higher); and with the default
options the same number under another or an unknown issuer is never dropped.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from engine_tables import documents_table
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hotlist
import independent_reference as ref
from hotlist.schema import VEHICLES_SCHEMA

SETTINGS = settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
ALL = {"limit": 1000, "min_score": 0.0}


def _got(result: hotlist.CheckResult) -> dict[str, tuple[str, float, str]]:
    ids = [h.record_id for h in result.hits]
    assert len(ids) == len(set(ids)), ids  # one hit per record
    assert result.alarm == any(h.severity == "alarm" for h in result.hits)
    return {h.record_id: (h.match, h.score, h.severity) for h in result.hits}


def _check_against(got: dict[str, tuple[str, float, str]], expected: list[ref.Expected]) -> None:
    assert {rid: m for rid, (m, _, _) in got.items()} == {e.record_id: e.level for e in expected}
    assert {rid: v for rid, (_, _, v) in got.items()} == {e.record_id: e.severity for e in expected}
    for a in expected:
        for b in expected:
            if ref.stronger(a, b):
                assert got[a.record_id][1] > got[b.record_id][1], (a, b, got)
    assert all(0.0 < score <= 1.0 for _, score, _ in got.values())


def _never_dropped(
    result: hotlist.CheckResult, expected: list[ref.Expected], total: int | None = None
) -> None:
    """Default options: the same number (exact or OCR look-alike) under any issuer, and
    any level under the asked issuer, is a hit, as long as the limit leaves room."""
    must = [e.record_id for e in expected if e.level in ("exact", "ocr") or e.relation == "same"]
    if (len(expected) if total is None else total) <= hotlist.engine.DEFAULT_LIMIT:
        got = {h.record_id for h in result.hits}
        assert set(must) <= got, (sorted(set(must) - got), expected)


# Small alphabets with look-alikes, lower case and separators, so that exact, ocr
# and edit neighbours are common and compaction matters.
DOC_CHARS = "AB0O1IL8DZ2Q5S6GC"
doc_numbers = st.builds(
    lambda core, seps: "".join(c + s for c, s in zip(core, seps, strict=False)),
    st.text(alphabet=DOC_CHARS + "abogslqzd", min_size=2, max_size=7),
    st.lists(
        st.sampled_from(["", "", "", "", " ", "-", ".", "/", "<", "\u00a0"]), min_size=7, max_size=7
    ),
)
issuers = st.sampled_from(["UTO", "FRA", "XXA"])


@SETTINGS
@given(
    records=st.lists(st.tuples(doc_numbers, issuers), min_size=1, max_size=20),
    # the same number again (as listed, lower-cased or with a look-alike) under
    # another issuer: hits that differ only in level or issuer, whose scores must order
    again=st.lists(
        st.tuples(st.integers(0, 19), issuers, st.sampled_from(["same", "lower", "lookalike"])),
        max_size=8,
    ),
    picked=st.integers(0, 27),
    mutate=st.sampled_from(["same", "sub", "ins", "del", "swap", "lookalike", "free"]),
    where=st.integers(0, 8),
    char=st.sampled_from(DOC_CHARS),
    free=doc_numbers,
    asked=st.one_of(st.none(), issuers, st.just("DEU")),
    max_edits=st.sampled_from([0, 1]),
)
def test_documents_follow_the_written_rules(
    *,
    records: list[tuple[str, str]],
    again: list[tuple[int, str, str]],
    picked: int,
    mutate: str,
    where: int,
    char: str,
    free: str,
    asked: str | None,
    max_edits: int,
) -> None:
    for j, issuer, how in again:
        number = records[j % len(records)][0]
        records.append(
            (number.lower() if how == "lower" else _variant(number, how, 0, "", ""), issuer)
        )
    rows = [(f"D{i}", n, c, "passport", "stolen") for i, (n, c) in enumerate(records)]
    query = _variant(records[picked % len(records)][0], mutate, where, char, free)
    assume(ref.compacted(query))
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    expected = ref.documents(
        [(rid, n, c) for rid, n, c, _, _ in rows], query, asked, max_edits=max_edits
    )
    got = _got(hl.check(document=query, country=asked, max_edits=max_edits, **ALL))
    _check_against(got, expected)
    if max_edits == 1:
        _never_dropped(hl.check(document=query, country=asked), expected)


def _variant(base: str, how: str, i: int, c: str, free: str) -> str:
    i = i % (len(base) + 1)
    if how == "sub" and i < len(base):
        return base[:i] + c + base[i + 1 :]
    if how == "ins":
        return base[:i] + c + base[i:]
    if how == "del" and i < len(base) and len(base) > 1:
        return base[:i] + base[i + 1 :]
    if how == "swap" and i + 1 < len(base):
        return base[:i] + base[i + 1] + base[i] + base[i + 2 :]
    if how == "lookalike":
        for at in [*range(i, len(base)), *range(i)]:
            twin = _LOOKALIKE.get(base[at].upper())
            if twin:
                return base[:at] + twin + base[at + 1 :]
    if how == "free":
        return free
    return base


# each character to another of its OCR class (README): a look-alike slip
_LOOKALIKE = {
    ch: group[(group.index(ch) + 1) % len(group)]
    for group in ref.DOCUMENT_LOOKALIKES
    for ch in group
}


def _vehicles(
    vins: list[str | None], plates: list[str | None], countries: list[str | None]
) -> pa.Table:
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


VIN_CHARS = "1M8GAX0"  # with look-alikes I, O, Q added below where a VIN may carry them
listed_vins = st.one_of(
    st.text(alphabet=VIN_CHARS, min_size=17, max_size=17),
    st.text(alphabet=VIN_CHARS + "OIQ", min_size=17, max_size=17),
    st.text(alphabet=VIN_CHARS, min_size=9, max_size=16),  # older chassis numbers
)


@SETTINGS
@given(
    listed=st.lists(listed_vins, min_size=1, max_size=20),
    picked=st.integers(0, 19),
    how=st.sampled_from(["same", "sub", "ins", "del", "swap", "lookalike", "suffix", "spaced"]),
    where=st.integers(0, 17),
    char=st.sampled_from(VIN_CHARS + "OI"),
    tail=st.integers(6, 8),
    max_edits=st.sampled_from([0, 1]),
)
def test_vins_follow_the_written_rules(
    *, listed: list[str], picked: int, how: str, where: int, char: str, tail: int, max_edits: int
) -> None:
    base = listed[picked % len(listed)]
    if how == "suffix":
        query = base[-tail:]
    elif how == "spaced":
        query = base[:3] + " " + base[3:].lower()
    else:
        query = _variant(base, how, where, char, "")
    assume(6 <= len(ref.compacted(query)) <= 17)
    hl = hotlist.Hotlist.from_tables(
        vehicles=_vehicles(list(listed), [None] * len(listed), ["USA"] * len(listed))
    )
    expected = ref.vins([(f"V{i}", v) for i, v in enumerate(listed)], query, max_edits=max_edits)
    _check_against(_got(hl.check(vin=query, max_edits=max_edits, **ALL)), expected)


def test_a_vin_listed_with_lookalikes_checked_as_listed_is_exact() -> None:
    listed = "1M8GDM9AXKP04O788"
    hl = hotlist.Hotlist.from_tables(vehicles=_vehicles([listed], [None], ["USA"]))
    assert [h.match for h in hl.check(vin=listed).hits] == ["exact"]


def test_a_vin_query_with_a_lookalike_is_ocr() -> None:
    listed = "1M8GDM9AXKP040788"
    hl = hotlist.Hotlist.from_tables(vehicles=_vehicles([listed], [None], ["USA"]))
    assert [h.match for h in hl.check(vin=listed.replace("0", "O")).hits] == ["ocr"]


# A plate starting with a digit never has a leading group of letters that could be
# read as a country sign (the plate module's prefix rule is not restated here).
plates = st.builds(
    lambda first, rest, sep: first + sep.join([rest[:2], rest[2:]]),
    st.sampled_from("0128"),
    st.text(alphabet="AB0O1I8Z2", min_size=1, max_size=6),
    st.sampled_from(["", "-", " ", "\u00a0"]),
)
plate_countries = st.sampled_from(["FRA", "DEU", None])


@SETTINGS
@given(
    records=st.lists(st.tuples(plates, plate_countries), min_size=1, max_size=20),
    picked=st.integers(0, 19),
    how=st.sampled_from(["same", "sub", "lookalike", "free", "lower"]),
    where=st.integers(0, 8),
    char=st.sampled_from("AB0O1I8Z2"),
    free=plates,
    asked=st.one_of(st.none(), st.sampled_from(["FRA", "DEU"])),
)
def test_plates_follow_the_written_rules(
    *,
    records: list[tuple[str, str | None]],
    picked: int,
    how: str,
    where: int,
    char: str,
    free: str,
    asked: str | None,
) -> None:
    base = records[picked % len(records)][0]
    query = base.lower() if how == "lower" else _variant(base, how, where, char, free)
    hl = hotlist.Hotlist.from_tables(
        vehicles=_vehicles([None] * len(records), [p for p, _ in records], [c for _, c in records])
    )
    expected = ref.plates([(f"V{i}", p, c) for i, (p, c) in enumerate(records)], query, asked)
    _check_against(_got(hl.check(plate=query, country=asked, **ALL)), expected)
    _never_dropped(hl.check(plate=query, country=asked), expected)


def test_a_plate_lookalike_under_another_country_is_not_dropped() -> None:
    hl = hotlist.Hotlist.from_tables(vehicles=_vehicles([None], ["1AB-234"], ["DEU"]))
    r = hl.check(plate="1A8234", country="FRA")
    assert [(h.record_id, h.match) for h in r.hits] == [("V0", "ocr")]


def test_every_lookalike_in_either_case_against_the_reference() -> None:
    # Each OCR look-alike letter, listed in lower case: its upper case is 'exact', the
    # other members of its class are 'ocr' (exhaustive, so no draw can miss one).
    rows = []
    for group in ref.DOCUMENT_LOOKALIKES:
        for ch in group:
            rows.append((f"D{len(rows)}", f"x{ch}{ch}7".lower(), "UTO", "passport", "stolen"))
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    listed = [(rid, n, c) for rid, n, c, _, _ in rows]
    for group in ref.DOCUMENT_LOOKALIKES:
        for ch in group:
            query = f"X{ch}{ch}7"
            expected = ref.documents(listed, query, "UTO", max_edits=0)
            assert {e.level for e in expected} == {"exact", "ocr"}
            got = _got(hl.check(document=query, country="UTO", max_edits=0, **ALL))
            _check_against(got, expected)


def test_the_same_number_under_each_issuer_relation() -> None:
    # asked, another and an unknown issuer, at each level: the asked issuer outscores
    # the others at the same level, and a stronger level outscores a weaker one
    numbers = {"exact": "AB123456", "ocr": "A8I23456", "edit": "AB12345"}
    rows = [
        (f"D{i}", number, issuer, "passport", "stolen")
        for i, (number, issuer) in enumerate(
            (n, c) for n in numbers.values() for c in ("UTO", "FRA", "XXA")
        )
    ]
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    expected = ref.documents(
        [(rid, n, c) for rid, n, c, _, _ in rows], "AB123456", "UTO", max_edits=1
    )
    assert {(e.level, e.relation) for e in expected} == {
        (level, relation) for level in numbers for relation in ("same", "other", "unknown")
    }
    _check_against(_got(hl.check(document="AB123456", country="UTO", **ALL)), expected)
    _never_dropped(hl.check(document="AB123456", country="UTO", limit=9), expected)

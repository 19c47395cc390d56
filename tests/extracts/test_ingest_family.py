"""Issue 17 family (a): generated extracts with quoting faults, odd characters and
encodings.  Two properties, for every extract drawn:

* every physical record is counted: it is loaded, or rejected with a reason and
  its row; ``read == loaded + rejected`` and the rows after a fault are not lost;
* every loaded key is found by checking its own listed value (the value as
  written, without the blanks around it): documents with their country, VINs,
  plates with their country, person names, aliases and listed document numbers.

The expected outcome of each row is not computed from the loader: a row is
expected loaded exactly when ``check()`` accepts its key (asked of the public
``check()`` on an empty list) and no fault was injected into it.

Damaged binary and text files that could upset native readers are read in a
child process (see ``test_damaged_files_never_crash``), so that a crash fails the
test instead of ending the run.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from damage_child import read_in_child
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import feather

import hotlist
from hotlist._errors import ExtractError, InvalidQuery

# Characters that stress keys: ASCII letters and digits, separators, characters a
# CSV writer must quote, look-alikes the query side folds (full-width, no-break and
# zero-width spaces, Unicode dashes), characters it refuses (controls, '#', accents,
# Cyrillic), and the quote itself.
ODD = (
    list("AB0123456789XYZ")
    + list("abxz")
    + list(" -./<")
    + [",", ";", "|", '"', "'"]
    + ["\u00a0", "\u200b", "\ufeff", "\u2010", "\u2212", "\u3000", "\u00ad"]
    + ["\uff21", "\uff11", "\uff5a", "\u2460"]
    + ["\t", "\x01", "\x7f", "#", "É", "ß", "Ж", "\u0301"]
)
key_text = st.one_of(
    st.text(st.sampled_from(ODD), min_size=0, max_size=22),
    st.from_regex(r"[A-Z]{1,2}[0-9]{5,8}", fullmatch=True),
)
vin_text = st.one_of(
    st.text(st.sampled_from(ODD), min_size=0, max_size=22),
    st.from_regex(r"[A-HJ-NPR-Z0-9]{17}", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{6,12}", fullmatch=True),
)
name_text = st.one_of(
    st.text(st.sampled_from([*ODD, "e", "o", "n", "Ö", "ł", "Σ", "王"]), max_size=24),
    st.sampled_from(
        ["DOE, John", "ERIKSSON, Anna Maria", "ИВАНОВ, Сергей", "王伟", "O'NEIL, Seán"]
    ),
)
country_text = st.sampled_from(["FRA", "D", "deu", "Utopia", "UTO", "Atlantis", "", "fr", "GB"])
date_text = st.sampled_from(["2024-01-02", "31.02.2024", "", "yesterday", "45321", "02/03/2024"])
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16"]
# a third of the profile's examples (ci: 33; nightly: 333): each example loads a list
FEW = max(10, settings.default.max_examples // 3)
NEWLINES = ["\n", "\r\n", "\r"]


def accepted(keyword: str, value: str) -> bool:
    """Whether the public ``check()`` takes ``value`` (asked of an empty list)."""
    try:
        _EMPTY.check(**{keyword: value})
    except InvalidQuery:
        return False
    return True


_EMPTY = hotlist.Hotlist.from_tables()


@dataclass
class Row:
    values: list[str]
    fault: str | None = None  # "quote" or "fields": the row cannot be split
    keys: dict[str, str] = field(default_factory=dict)


def _write_csv(
    path: Path, header: list[str], rows: list[Row], *, encoding: str, newline: str, delim: str
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delim, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        if row.fault == "fields":
            buf.write(delim.join(["x"] * (len(header) - 2)) + newline)
            continue
        if row.fault == "quote":
            # a stray quote opening the middle field, never closed on its line (two
            # such lines, each with a quote before an empty field, would be valid
            # CSV: one record with a line break in a value)
            cells = ["".join(c for c in v if c not in f'"{delim}\r\n') for v in row.values]
            k = len(cells) // 2
            text = delim.join(cells[:k]) + delim + '"stray ' + delim.join(cells[k:])
        else:
            line = io.StringIO()
            csv.writer(line, delimiter=delim, lineterminator="").writerow(row.values)
            text = line.getvalue()
        buf.write(text + newline)
    data = buf.getvalue().encode(encoding)
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)


@st.composite
def faults(draw: st.DrawFn, n: int) -> list[str | None]:
    return [draw(st.sampled_from([None, None, None, None, "quote", "fields"])) for _ in range(n)]


def _clean(value: str) -> str:
    return value.strip()


def _counted(report: hotlist.LoadReport, dataset: str, ids: list[str], rows: list[Row]) -> None:
    """Every physical record is loaded or rejected with a reason, faults rejected."""
    d = report.datasets[dataset]
    assert d.read == len(rows)
    assert d.loaded + d.rejected == d.read
    rejected = {p.row: p for p in d.problems}
    assert len(rejected) == d.rejected
    assert all(p.reason for p in d.problems)
    for i, row in enumerate(rows, start=1):
        if row.fault is not None:
            assert i in rejected, f"row {i} ({row.fault}) not rejected"
            assert rejected[i].reason.startswith("malformed row"), rejected[i]
            if row.fault == "quote":
                assert "quote" in rejected[i].reason
    del ids


@settings(max_examples=FEW, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    numbers=st.lists(key_text, min_size=1, max_size=10),
    data=st.data(),
    form=st.tuples(
        st.sampled_from(ENCODINGS),
        st.sampled_from(NEWLINES),
        st.sampled_from([",", ";", "\t"]),
        st.booleans(),
    ),
)
def test_documents_every_row_counted_every_key_found(
    tmp_path_factory: pytest.TempPathFactory,
    numbers: list[str],
    data: st.DataObject,
    form: tuple[str, str, str, bool],
) -> None:
    encoding, newline, delim, gz = form
    n = len(numbers)
    row_faults = data.draw(faults(n))
    header = ["record_id", "document_number", "issuing_country", "document_type", "status"]
    header += ["reported_on", "notes"]
    rows = []
    for i, (number, fault) in enumerate(zip(numbers, row_faults, strict=True), start=1):
        country = data.draw(country_text)
        values = [f"R{i}", number, country, "P", "stolen", data.draw(date_text), "n"]
        rows.append(Row(values, fault, {"document": number, "country": country}))
    path = tmp_path_factory.mktemp("docs") / ("documents.csv" + (".gz" if gz else ""))
    _write_csv(path, header, rows, encoding=encoding, newline=newline, delim=delim)
    searchable = [
        r.fault is None
        and bool(_clean(r.keys["document"]))
        and accepted("document", r.keys["document"].strip())
        for r in rows
    ]
    if not any(searchable):
        with pytest.raises(ExtractError, match="no row can be searched"):
            hotlist.load(documents=path)
        return
    hl = hotlist.load(documents=path)
    _counted(hl.report, "documents", [], rows)
    loaded = set(hl.tables["documents"].column("record_id").to_pylist())
    for i, (row, ok) in enumerate(zip(rows, searchable, strict=True), start=1):
        assert (f"R{i}" in loaded) == ok, (i, row.keys, row.fault)
        if not ok:
            continue
        number = _clean(row.keys["document"])
        query = {"document": number}
        if accepted("country", _clean(row.keys["country"] or "-")) and _clean(row.keys["country"]):
            query["country"] = _clean(row.keys["country"])
        hits = {h.record_id for h in hl.check(**query).hits}
        assert f"R{i}" in hits, (query, hits)


@settings(max_examples=FEW, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    vehicles=st.lists(st.tuples(vin_text, key_text), min_size=1, max_size=8),
    data=st.data(),
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(NEWLINES),
)
def test_vehicles_every_row_counted_every_key_found(
    tmp_path_factory: pytest.TempPathFactory,
    vehicles: list[tuple[str, str]],
    data: st.DataObject,
    encoding: str,
    newline: str,
) -> None:
    row_faults = data.draw(faults(len(vehicles)))
    header = ["record_id", "vin", "plate", "registration_country", "year"]
    rows = []
    for i, ((vin, plate), fault) in enumerate(zip(vehicles, row_faults, strict=True), start=1):
        country = data.draw(country_text)
        rows.append(
            Row([f"V{i}", vin, plate, country, "2020"], fault, {"vin": vin, "plate": plate})
        )
    path = tmp_path_factory.mktemp("veh") / "vehicles.csv"
    _write_csv(path, header, rows, encoding=encoding, newline=newline, delim=",")

    def usable(keyword: str, value: str) -> bool:
        return bool(_clean(value)) and accepted(keyword, _clean(value))

    expect = [
        (
            r.fault is None and usable("vin", r.keys["vin"]),
            r.fault is None and usable("plate", r.keys["plate"]),
        )
        for r in rows
    ]
    if not any(v or p for v, p in expect):
        with pytest.raises(ExtractError, match="no row can be searched"):
            hotlist.load(vehicles=path)
        return
    hl = hotlist.load(vehicles=path)
    _counted(hl.report, "vehicles", [], rows)
    table = {r["record_id"]: r for r in hl.tables["vehicles"].to_pylist()}
    for i, (row, (vin_ok, plate_ok)) in enumerate(zip(rows, expect, strict=True), start=1):
        rid = f"V{i}"
        assert (rid in table) == (vin_ok or plate_ok), (i, row.keys, row.fault)
        if rid not in table:
            continue
        if vin_ok:
            hits = {h.record_id for h in hl.check(vin=_clean(row.keys["vin"])).hits}
            assert rid in hits, (row.keys, hits)
        else:
            assert table[rid]["vin"] is None
        if plate_ok:
            hits = {h.record_id for h in hl.check(plate=_clean(row.keys["plate"])).hits}
            assert rid in hits, (row.keys, hits)
        else:
            assert table[rid]["plate"] is None


@settings(max_examples=FEW, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(
        st.tuples(name_text, st.lists(name_text, max_size=2), st.lists(key_text, max_size=2)),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
    fmt=st.sampled_from(["csv", "jsonl", "parquet"]),
)
def test_persons_every_row_counted_every_name_found(
    tmp_path_factory: pytest.TempPathFactory,
    people: list[tuple[str, list[str], list[str]]],
    data: st.DataObject,
    fmt: str,
) -> None:
    folder = tmp_path_factory.mktemp("per")
    # list entries are written with the ';' separator: no entry may hold one
    people = [
        (
            name,
            [a.replace(";", "").replace("|", "") for a in al],
            [d.replace(";", "").replace("|", "") for d in docs],
        )
        for name, al, docs in people
    ]
    rows = [
        Row([f"P{i}", name, ";".join(al), ";".join(docs), "red"], None, {"name": name})
        for i, (name, al, docs) in enumerate(people, start=1)
    ]
    header = ["record_id", "name", "aliases", "document_numbers", "notice_type"]
    if fmt == "csv":
        row_faults = data.draw(faults(len(rows)))
        for row, fault in zip(rows, row_faults, strict=True):
            row.fault = fault
        path = folder / "persons.csv"
        _write_csv(path, header, rows, encoding="utf-8", newline="\n", delim=",")
    elif fmt == "jsonl":
        lines = []
        for row in rows:
            if data.draw(st.booleans()) and data.draw(st.booleans()):
                row.fault = "json"
                lines.append(json.dumps(dict(zip(header, row.values, strict=True)))[:-1])
            else:
                lines.append(
                    json.dumps(dict(zip(header, row.values, strict=True)), ensure_ascii=False)
                )
        path = folder / "persons.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path = folder / "persons.parquet"
        pq.write_table(
            pa.table({h: [r.values[k] for r in rows] for k, h in enumerate(header)}), path
        )

    def name_ok(value: str) -> bool:
        return bool(_clean(value)) and accepted("name", _clean(value))

    expect = [r.fault is None and name_ok(p[0]) for r, p in zip(rows, people, strict=True)]
    if not any(expect):
        # (a JSON Lines file of broken lines has no column names at all)
        with pytest.raises(ExtractError, match=r"no row can be searched|column"):
            hotlist.load(persons=path)
        return
    hl = hotlist.load(persons=path)
    d = hl.report.datasets["persons"]
    assert d.read == len(rows) and d.loaded + d.rejected == d.read
    rejected = {p.row for p in d.problems}
    table = {r["record_id"]: r for r in hl.tables["persons"].to_pylist()}
    for i, (row, ok, (name, aliases, docs)) in enumerate(zip(rows, expect, people, strict=True), 1):
        rid = f"P{i}"
        assert (rid in table) == ok, (i, name, row.fault)
        assert (i in rejected) == (not ok)
        if not ok:
            continue
        assert _found_person(hl, rid, _clean(name)), name
        for alias in aliases:
            if name_ok(alias):
                assert _clean(alias) in table[rid]["aliases"]
                assert _found_person(hl, rid, _clean(alias)), alias
        for number in docs:
            if _clean(number) and accepted("document", _clean(number)):
                hits = {h.record_id for h in hl.check(document=_clean(number)).hits}
                assert rid in hits, (number, hits)


def _found_person(hl: hotlist.Hotlist, rid: str, name: str) -> bool:
    """A hit, or the person named in a warning as held back (the persons matcher
    holds back exact namesakes of a name too common to tell apart, and says so:
    not a silent miss)."""
    result = hl.check(name=name)
    if rid in {h.record_id for h in result.hits}:
        return True
    return any("not reported as hits" in w for w in result.warnings)


# ---------------------------------------------------------------------------
# damage that could reach native code: in a child process
# ---------------------------------------------------------------------------


def _damaged(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    """Same-size flips, inserted junk, truncations."""
    out = []
    for k in range(count):
        b = bytearray(data)
        how = k % 3
        pos = rng.randrange(len(b))
        if how == 0:
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif how == 1:
            b[pos:pos] = rng.choice([b"\x00", b"\xff\xfe", b'"', b"\r", b"\x1f\x8b", b"\xc3"])
        else:
            del b[pos:]
        out.append(bytes(b))
    return out


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl", "parquet", "arrow"])
def test_damaged_files_never_crash(tmp_path: Path, fmt: str) -> None:
    from hotlist import synth

    table = synth.documents(200, seed=11)
    clean = tmp_path / f"clean.{fmt}"
    if fmt == "parquet":
        pq.write_table(table, clean)
    elif fmt == "arrow":
        feather.write_feather(table, clean)
    elif fmt == "jsonl":
        clean.write_text(
            "".join(json.dumps(r, default=str) + "\n" for r in table.to_pylist()), encoding="utf-8"
        )
    else:
        synth.write_table(table, tmp_path / "clean.csv", "csv")
        if fmt == "csv.gz":
            clean.write_bytes(gzip.compress((tmp_path / "clean.csv").read_bytes()))
    rng = random.Random(fmt)
    paths = []
    for k, blob in enumerate(_damaged(clean.read_bytes(), rng, 60)):
        path = tmp_path / f"documents_{k}.{fmt}"
        path.write_bytes(blob)
        paths.append(path)
    assert set(read_in_child(paths, "documents")) <= {"ExtractError", "loaded"}


@settings(max_examples=FEW)
@given(
    values=st.lists(
        st.one_of(key_text, vin_text, name_text, st.text(max_size=30)), min_size=1, max_size=20
    )
)
def test_loader_fast_path_is_a_subset_of_what_check_takes(values: list[str]) -> None:
    """The loader accepts most keys by a vectorised test; each must be one the query
    side (the public check()) takes, for every kind of key."""
    from hotlist.extracts._searchable import unsearchable

    array = pa.array([v.strip() or None for v in values], pa.string())
    keyword = {"document": "document", "vin": "vin", "plate": "plate", "name": "name"}
    for kind, word in keyword.items():
        bad, _why = unsearchable(kind, array)  # type: ignore[arg-type]
        for value, refused in zip(array.to_pylist(), bad.tolist(), strict=True):
            if value is not None:
                assert accepted(word, value) == (not refused), (kind, value)

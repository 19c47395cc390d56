"""hotlist.synth: determinism, schema conformance, check digits, and a clean round trip."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from hotlist import synth
from hotlist.extracts import load_datasets
from hotlist.ids import vin as vin_ids
from hotlist.schema import SCHEMAS
from hotlist.synth._common import lists

MAKERS = {"documents": synth.documents, "vehicles": synth.vehicles, "persons": synth.persons}


@pytest.mark.parametrize("dataset", list(MAKERS))
def test_deterministic_by_seed_and_schema(dataset: str) -> None:
    make = MAKERS[dataset]
    a, b, c = make(500, 11), make(500, 11), make(500, 12)
    assert a.equals(b)
    assert not a.equals(c)
    assert a.schema.equals(SCHEMAS[dataset])
    assert a.num_rows == 500
    for field in a.schema:
        if not field.nullable:
            assert a.column(field.name).null_count == 0, field.name
    assert len(set(a.column("record_id").to_pylist())) == 500
    assert make(0, 1).num_rows == 0


def test_vin_check_digits_match_ids_vin() -> None:
    vins = [v for v in synth.vehicles(3000, 4).column("vin").to_pylist() if v]
    north_american = [v for v in vins if v[0] in "12345"]
    assert north_american
    assert all(vin_ids.check_digit(v) == v[8] for v in north_american)
    european = [v for v in vins if v[0] in "SVWZTUXY"]
    assert any(vin_ids.check_digit(v) != v[8] for v in european)  # sometimes none
    assert all(len(v) == 17 and not set(v) & set("IOQ") for v in vins)


def test_realistic_shapes() -> None:
    docs = synth.documents(20_000, 3)
    countries = set(docs.column("issuing_country").to_pylist())
    assert {"DEU", "FRA", "GBR", "USA", "CHN", "UTO"} <= countries
    rows = docs.to_pylist()
    fra = next(r["document_number"] for r in rows if r["issuing_country"] == "FRA")
    assert fra[:2].isdigit() and fra[2:4].isalpha() and fra[4:].isdigit()
    for r in rows[:2000]:
        if r["issued_on"] is not None:
            assert r["issued_on"] < r["reported_on"] <= r["expires_on"]
    people = synth.persons(3000, 3).to_pylist()
    names = " ".join(p["name"] for p in people)
    for letter in ("И", "ع", "Ü", "É"):  # Cyrillic, Arabic, Latin with diacritics
        assert letter in names
    assert any("\u4e00" <= ch <= "\u9fff" for ch in names)  # Chinese
    assert any("\u0391" <= ch <= "\u03c9" for ch in names)  # Greek
    assert any(p["dob_month"] is None and p["dob_year"] for p in people)
    assert any(len(p["nationalities"]) > 1 for p in people)
    assert any(p["caution"] for p in people) and any(p["document_numbers"] for p in people)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_every_generated_row_loads(tmp_path: Path, fmt: str) -> None:
    tables = {name: make(700, 9) for name, make in MAKERS.items()}
    for name, table in tables.items():
        synth.write_table(table, tmp_path / f"{name}.{fmt}", fmt)
    loaded, report = load_datasets(tmp_path)
    assert report.rejected == 0, report.problems[:5]
    for name, table in tables.items():
        assert loaded[name].num_rows == table.num_rows
        # the same records, whatever the format carried (codes, lists, dates, derived DOB parts)
        assert loaded[name].to_pylist() == table.to_pylist(), name


def test_sample_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    written = synth.write_sample_data(tmp_path)
    bundled = Path(synth.__file__).parents[1] / "sample_data"
    for path in written:
        assert path.read_bytes() == (bundled / path.name).read_bytes(), path.name
    tables, report = load_datasets(bundled)
    assert report.rejected == 0
    docs = tables["documents"].to_pylist()
    specimen = [d for d in docs if d["document_number"] == "L898902C3"]
    assert len(specimen) == 1 and specimen[0]["issuing_country"] == "UTO"
    vins = tables["vehicles"].column("vin").to_pylist()
    assert vins.count("1M8GDM9AXKP042788") == 1
    assert tables["vehicles"].column("plate").to_pylist().count("AB-123-CD") == 1
    size = sum(p.stat().st_size for p in bundled.rglob("*") if p.is_file())
    assert size < 2_000_000


def test_cli(tmp_path: Path) -> None:
    assert (
        synth.main(
            [
                "--out",
                str(tmp_path),
                "--documents",
                "50",
                "--persons",
                "20",
                "--seed",
                "3",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents.csv", "persons.csv"]
    with pytest.raises(SystemExit):
        synth.main(["--help"])


def test_lists_helper_drops_nulls() -> None:
    out = lists([pa.array(["a", None, "c"]), pa.array([None, None, "d"])], 3)
    assert out.to_pylist() == [["a"], [], ["c", "d"]]

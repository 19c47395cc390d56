"""Every subset of datasets, empty ones included, through load / save / open / apply /
reload, with correct answers afterwards (issue 9 point 7, issue 17 family b)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lifecycle_helpers import write_delta

import hotlist
from hotlist.schema import DATASETS

# One query per dataset, each listed in the bundled sample data.
PROBES: dict[str, dict[str, Any]] = {
    "documents": {"document": "L898902C3", "country": "UTO"},
    "vehicles": {"vin": "1M8GDM9AXKP042788"},
    "persons": {"name": "Anna Maria Eriksson", "dob": "1974-08-12"},
}
STATES = ("absent", "empty", "full")
COMBOS = [c for c in itertools.product(STATES, repeat=3) if c != ("absent",) * 3]


def _found(hl: hotlist.Hotlist) -> dict[str, bool]:
    """Per dataset: whether its probe finds a record of that dataset."""
    return {ds: any(h.dataset == ds for h in hl.check(**q).hits) for ds, q in PROBES.items()}


def _answers(hl: hotlist.Hotlist) -> list[object]:
    return [hl.check(**q).model_dump(exclude={"data_version"}) for q in PROBES.values()]


def _write_extracts(sample: hotlist.Hotlist, folder: Path, combo: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True)
    for ds, state in zip(DATASETS, combo, strict=True):
        if state == "absent":
            continue
        table = sample.tables[ds]
        base = table if state == "full" else table.slice(0, 0)
        plain = pa.table(
            {
                f.name: base.column(f.name).cast(
                    f.type.value_type if pa.types.is_dictionary(f.type) else f.type
                )
                for f in base.schema
            }
        )
        pq.write_table(plain, folder / f"{ds}.parquet")
    return folder


@pytest.mark.parametrize("combo", COMBOS, ids=["-".join(c) for c in COMBOS])
def test_every_subset_saves_opens_applies_and_reloads(
    sample: hotlist.Hotlist, tmp_path: Path, combo: tuple[str, str, str]
) -> None:
    loaded = hotlist.load(_write_extracts(sample, tmp_path / "x", combo), progress=False)
    expected = {ds: state == "full" for ds, state in zip(DATASETS, combo, strict=True)}
    assert _found(loaded) == expected
    for ds, state in zip(DATASETS, combo, strict=True):
        assert loaded.tables[ds].num_rows == (sample.tables[ds].num_rows if state == "full" else 0)

    snap = loaded.save(tmp_path / "snap")
    opened = hotlist.open(snap)
    assert opened.data_version == loaded.data_version
    assert _found(opened) == expected
    assert _answers(opened) == _answers(loaded)
    assert {ds: opened.tables[ds].num_rows for ds in DATASETS} == {
        ds: loaded.tables[ds].num_rows for ds in DATASETS
    }

    # A delta that deletes every listed person and adds one document.
    rows = pa.table(
        {
            "record_id": ["MATRIX-1"],
            "document_number": ["QX4455667"],
            "issuing_country": ["FRA"],
            "document_type": ["passport"],
            "status": ["stolen"],
            "reported_on": pa.array([19800], pa.date32()),
        }
    )
    ids = opened.tables["persons"].column("record_id").to_pylist()
    write_delta(tmp_path / "d" / "documents.parquet", rows)
    if ids:
        write_delta(tmp_path / "d" / "persons.parquet", deletes=ids)
    report = opened.apply(tmp_path / "d")
    assert report.applied
    after = {**expected, "persons": False}
    assert _found(opened) == after
    assert opened.tables["persons"].num_rows == 0
    assert opened.check(document="QX4455667", country="FRA").hit

    snap2 = opened.save(tmp_path / "snap2")
    reopened = hotlist.open(snap2)
    assert reopened.data_version == opened.data_version
    assert _found(reopened) == after
    assert _answers(reopened) == _answers(opened)
    assert reopened.check(document="QX4455667", country="FRA").hit

    # reload: the original snapshot back in the opened Hotlist (a rollback: warned),
    # then the newer one again.
    opened.reload(snap)
    assert _found(opened) == expected
    assert opened.reload(snap2) == reopened.data_version
    assert _found(opened) == after
    assert opened.check(document="QX4455667", country="FRA").warnings == []


def test_no_dataset_at_all_is_an_extract_error(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    with pytest.raises(hotlist.ExtractError):
        hotlist.load(tmp_path / "x", progress=False)


def test_empty_in_memory_hotlist_round_trips(tmp_path: Path) -> None:
    hl = hotlist.Hotlist.from_tables(progress=False)
    opened = hotlist.open(hl.save(tmp_path / "s"))
    assert all(opened.tables[ds].num_rows == 0 for ds in DATASETS)
    assert _found(opened) == dict.fromkeys(DATASETS, False)


def test_delta_row_with_a_bad_optional_value_is_applied_and_reported(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    # A row that can be searched is applied (and found), its problem reported:
    # never dropped silently, never a failed delta.
    path = tmp_path / "documents.csv"
    path.write_text(
        "record_id,op,document_number,issuing_country,document_type,status,reported_on\n"
        "W-1,upsert,QW9876543,FRA,passport,no-such-status,2024-01-01\n"
    )
    hl = hotlist.Hotlist(sample._state)
    report = hl.apply(documents=path)
    assert report.datasets["documents"].inserted == 1
    assert report.summary()["datasets"]["documents"]["loaded_with_problems"] == 1
    assert any("status" in w for w in report.summary()["warnings"])
    assert hl.check(document="QW9876543", country="FRA").hit
    opened = hotlist.open(hl.save(tmp_path / "s"))
    assert opened.check(document="QW9876543", country="FRA").hit

"""Any sequence of deltas answers as a full rebuild of the same records does.

A delta's new table copies the kept rows, or (``_delta._SLICED``) keeps them as
slices of the old table's chunks (``hotlist.index.kept_slices``, compacted to
one chunk past ``MAX_CHUNKS``); its indexes are merged, not rebuilt.  The
reference is the obviously correct one: the records the deltas leave (kept rows
in their order, then each delta's upserts in its order) loaded from scratch.
Both must give the same check() and check_many answers, and the same saved
snapshot (its tables, and the answers of the snapshot opened again).  The same
module runs with ``HOTLIST_PURE=1`` (every kernel off) in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lifecycle_helpers import write_delta

import hotlist
import hotlist._delta as dmod
import hotlist.index._arrow as amod
from hotlist import synth
from hotlist.schema import SCHEMAS

_STATUSES = ("stolen", "lost", "revoked", "invalidated")
_N_DOCS = 40
_N_VEHICLES = 25


def _base(tmp: Path) -> dict[str, pa.Table]:
    """Documents and vehicles as read from Parquet files of several row groups."""
    out = {}
    for name, table in (
        ("documents", synth.documents(_N_DOCS, 5)),
        ("vehicles", synth.vehicles(_N_VEHICLES, 5)),
    ):
        path = tmp / f"base-{name}.parquet"
        pq.write_table(table, path, row_group_size=7)
        read = pq.read_table(path).cast(SCHEMAS[name])  # type: ignore[index]
        assert read.column("record_id").num_chunks > 1
        out[name] = read
    return out


@st.composite
def _step(
    draw: st.DrawFn, ids: list[str], pool: list[dict[str, Any]], fresh: int
) -> dict[str, Any]:
    """One delta: deletes (listed and not), updates (status, number, or a copy of
    another record's number: duplicates), inserts (new ids, possibly a listed number)."""
    listed = st.sampled_from(ids) if ids else st.nothing()
    touched = draw(st.lists(listed, max_size=min(8, len(ids)), unique=True))
    cut = draw(st.integers(0, len(touched)))
    deletes, updates = touched[:cut], touched[cut:]
    changes = [
        draw(
            st.fixed_dictionaries(
                {
                    "status": st.sampled_from(_STATUSES),
                    "number_from": st.one_of(st.none(), st.sampled_from(pool)),
                    "edit": st.booleans(),
                }
            )
        )
        for _ in updates
    ]
    inserts = [
        draw(
            st.fixed_dictionaries(
                {
                    "like": st.sampled_from(pool),
                    "status": st.sampled_from(_STATUSES),
                    "same_number": st.booleans(),
                }
            )
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    missing = [f"GONE-{i}" for i in range(draw(st.integers(0, 2)))]
    return {
        "deletes": deletes + missing,
        "updates": list(zip(updates, changes, strict=True)),
        "inserts": inserts,
        "fresh": fresh,
    }


def _one_edit(number: str) -> str:
    return number[:-1] + ("7" if number[-1] != "7" else "8")


def _variant(number: str, i: int) -> str:
    """Another number of the same length (a VIN keeps its 17 characters)."""
    at = len(number) - 2 - i % (len(number) - 1)
    return number[:at] + ("9" if number[at] != "9" else "3") + number[at + 1 :]


def _apply_step(
    records: dict[str, list[dict[str, Any]]], step: dict[str, Any], kind: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The step's upsert rows of ``kind`` and its deletes, and ``records`` (kept
    rows in order, then the upserts in order) made what the delta leaves."""
    field = "document_number" if kind == "documents" else "vin"
    rows = {r["record_id"]: r for r in records[kind]}
    upserts = []
    for rid, change in step["updates"]:
        if rid not in rows:
            continue
        row = dict(rows[rid])
        if kind == "documents":
            row["status"] = change["status"]
        else:
            row["colour"] = change["status"]
        source = change["number_from"]
        if source is not None and source.get(field):
            row[field] = source[field]  # another record's number: a duplicate
        if change["edit"] and row.get(field):
            row[field] = _one_edit(row[field])
        upserts.append(row)
    for i, insert in enumerate(step["inserts"]):
        row = dict(insert["like"])
        row["record_id"] = f"NEW-{kind[0]}-{step['fresh']}-{i}"
        if not insert["same_number"] and row.get(field):
            row[field] = _variant(row[field], i)
        if kind == "documents":
            row["status"] = insert["status"]
        upserts.append(row)
    deletes = [rid for rid in step["deletes"] if rid in rows or rid.startswith("GONE")]
    gone = set(deletes) | {r["record_id"] for r in upserts}
    records[kind] = [r for r in records[kind] if r["record_id"] not in gone] + upserts
    return upserts, deletes


def _queries(seen: dict[str, set[str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for number in sorted(seen["documents"]):
        out += [
            {"document": number},
            {"document": number, "country": "DEU"},
            {"document": _one_edit(number)},
            {"document": number[1:]},
        ]
    for vin in sorted(seen["vehicles"]):
        out += [{"vin": vin}, {"vin": vin[-8:]}, {"vin": _one_edit(vin)}]
    return out


def _answers(hl: hotlist.Hotlist, queries: list[dict[str, str]]) -> list[Any]:
    out = []
    for q in queries:
        result = hl.check(**q).model_dump()
        result.pop("data_version")
        out.append(result)
    return out


def _many(hl: hotlist.Hotlist, queries: list[dict[str, str]]) -> list[Any]:
    docs = [
        {"document": q["document"], "country": q.get("country")} for q in queries if "document" in q
    ]
    table = hl.check_many(docs, progress=False)
    keep = [c for c in table.column_names if "version" not in c]
    return table.select(keep).to_pylist()


def _saved(hl: hotlist.Hotlist, path: Path, queries: list[dict[str, str]]) -> tuple[Any, ...]:
    hl.save(path)
    back = hotlist.open(path)
    tables = {name: back.tables[name].to_pylist() for name in ("documents", "vehicles")}
    return tables, _answers(back, queries)


def _records(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _table(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[kind])  # type: ignore[index]


_STEPS = st.integers(1, 4)


@settings(
    max_examples=int(os.environ.get("HOTLIST_DELTA_EXAMPLES", "25")),
    deadline=None,
    # no shrinking: each example loads, applies, saves and opens (~1 s); a failure
    # prints its drawn steps as they are
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), max_chunks=st.sampled_from([3, 12, 4096]), sliced=st.booleans())
def test_deltas_answer_as_a_rebuild(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, max_chunks: int, sliced: bool
) -> None:
    tmp = tmp_path_factory.mktemp("delta")
    base = _base(tmp)
    records = {name: _records(t) for name, t in base.items()}
    pool = records["documents"] + records["vehicles"]
    seen = {
        "documents": {r["document_number"] for r in records["documents"]},
        "vehicles": {r["vin"] for r in records["vehicles"] if r["vin"]},
    }
    hl = hotlist.Hotlist.from_tables(**base, progress=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(amod, "MAX_CHUNKS", max_chunks)  # slices, and the compaction past the bound
        # the kept rows sliced (documents and vehicles), or copied (the default)
        mp.setattr(dmod, "_SLICED", frozenset({"documents", "vehicles"} if sliced else ()))
        for s in range(data.draw(_STEPS)):
            ids = {k: [r["record_id"] for r in records[k]] for k in records}
            folder = tmp / f"d{s}"
            for kind in ("documents", "vehicles"):
                kind_pool = [r for r in pool if ("document_number" in r) == (kind == "documents")]
                step = data.draw(_step(ids[kind], kind_pool, s))
                upserts, deletes = _apply_step(records, step, kind)
                if not upserts and not deletes:
                    continue
                field = "document_number" if kind == "documents" else "vin"
                seen[kind] |= {r[field] for r in upserts if r.get(field)}
                write_delta(folder / f"{kind}.parquet", _table(kind, upserts), deletes=deletes)
            if folder.exists():
                assert not hl.apply(folder).problems  # the model applies every row too
    for kind in ("documents", "vehicles"):
        assert hl._state.tables[kind].to_pylist() == records[kind]
    rebuilt = hotlist.Hotlist.from_tables(
        documents=_table("documents", records["documents"]),
        vehicles=_table("vehicles", records["vehicles"]),
        progress=False,
    )
    queries = _queries(seen)
    assert _answers(hl, queries) == _answers(rebuilt, queries)
    assert _many(hl, queries) == _many(rebuilt, queries)
    assert _saved(hl, tmp / "applied", queries) == _saved(rebuilt, tmp / "rebuilt", queries)


@pytest.mark.skipif(bool(os.environ.get("HOTLIST_PURE")), reason="this is the pure run")
def test_the_same_without_any_kernel() -> None:
    """The property above with every kernel off (HOTLIST_PURE=1, a fresh process)."""
    env = {**os.environ, "HOTLIST_PURE": "1", "HOTLIST_DELTA_EXAMPLES": "8"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k", "rebuild"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "1 passed" in out.stdout

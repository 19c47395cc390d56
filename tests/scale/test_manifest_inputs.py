"""Odd manifests and odd pass-through columns a reviewer found (Y-20..Y-23, this
stop): each crashed with a traceback (and an exit status that documented success)
where it now reads the rows, names what is wrong, or fails with status 3.
Each test failed on the code it was found in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import hotlist
from hotlist import InvalidQuery
from hotlist.cli import INTERNAL_ERROR, main

LISTED = "L898902C3"  # DEMO-D-0001 (UTO) in the sample data


def _check_file(manifest: Path, snapshot: Path, out: Path) -> int:
    return main(["check-file", str(manifest), "--data", str(snapshot), "--out", str(out)])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_utf16_or_utf32_csv_manifest_is_read(
    hl: hotlist.Hotlist, snapshot: Path, tmp_path: Path, encoding: str
) -> None:
    # Y-20: the header was decoded as UTF-8 by pyarrow: a bare UnicodeDecodeError.
    src = tmp_path / "m.csv"
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b""
    src.write_bytes(
        bom + f"document,country,ref\n{LISTED},UTO,a\nX1234567,UTO,b\n".encode(encoding)
    )
    rows = pa.Table.from_batches(list(hl.check_batches(src))).to_pylist()
    assert {(r["ref"], r["hit"], r["record_id"]) for r in rows} == {
        ("a", True, "DEMO-D-0001"),
        ("a", True, "DEMO-P-0001"),
        ("b", False, None),
    }
    out = tmp_path / "hits.parquet"
    assert _check_file(src, snapshot, out) == 0
    assert pq.read_table(out).select(["ref", "hit", "record_id"]).to_pylist() == [
        {k: r[k] for k in ("ref", "hit", "record_id")} for r in rows
    ]


def test_a_header_that_is_not_utf8_is_refused_with_its_column(
    hl: hotlist.Hotlist, tmp_path: Path
) -> None:
    # Y-20: a Latin-1 header (bytes no column name can be made of).
    src = tmp_path / "m.csv"
    src.write_bytes("document,Straße\nL898902C3,x\n".encode("latin-1"))
    with pytest.raises(InvalidQuery, match=r"column 2 of the CSV header .* not UTF-8"):
        list(hl.check_batches(src))


def test_a_repeated_column_name_never_collides_with_an_existing_one(hl: hotlist.Hotlist) -> None:
    # Y-21: `ref, ref, ref.1`: the second `ref` was renamed `ref.1`, the name of the
    # third column, and check_many died with KeyError.
    table = pa.Table.from_arrays(
        [pa.array([LISTED]), pa.array(["r1"]), pa.array(["r2"]), pa.array(["r3"])],
        names=["document", "ref", "ref", "ref.1"],
    )
    out = hl.check_many(table)
    assert out.column_names[:5] == ["query_index", "document", "ref", "ref.2", "ref.1"]
    for row in out.to_pylist():
        assert (row["ref"], row["ref.2"], row["ref.1"]) == ("r1", "r2", "r3")
        assert row["hit"] is True


def test_a_lone_surrogate_in_a_document_number_is_an_invalid_query(hl: hotlist.Hotlist) -> None:
    # Y-22: what Python makes of undecodable argv bytes raised UnicodeEncodeError.
    with pytest.raises(InvalidQuery, match="document number"):
        hl.check(document="L898\udcff2C3")


def test_undecodable_cli_bytes_in_a_document_number_exit_2(snapshot: Path) -> None:
    args = [sys.executable, "-m", "hotlist", "check", "--data", str(snapshot), "--document"]
    done = subprocess.run([*args, b"L898\xff902C3"], capture_output=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"document number" in done.stderr


def test_check_file_writes_any_pass_through_column_to_csv(snapshot: Path, tmp_path: Path) -> None:
    # Y-23 (a): a struct, map, nested list or non-UTF-8 bytes column crashed the CSV writer.
    src = tmp_path / "m.parquet"
    pq.write_table(
        pa.table(
            {
                "document": [LISTED, "X1234567"],
                "meta": pa.array([{"a": 1}, None]),
                "tags": pa.array([[["x"]], []], pa.list_(pa.list_(pa.string()))),
                "kv": pa.array([[("k", 1)], None], pa.map_(pa.string(), pa.int64())),
                "raw": pa.array([b"\xff\x00", b"ok"]),
                "seen": pa.array([[1, 2], None], pa.large_list(pa.int64())),
            }
        ),
        src,
    )
    out = tmp_path / "hits.csv"
    assert _check_file(src, snapshot, out) == 0
    rows = pacsv.read_csv(
        out,
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(["meta", "tags", "kv", "raw", "seen"], pa.string())
        ),
    ).to_pylist()
    assert [r["hit"] for r in rows] == [True, True, False]
    assert (rows[0]["meta"], rows[0]["tags"], rows[0]["kv"]) == (
        '{"a": 1}',
        '[["x"]]',
        '[["k", 1]]',
    )
    assert (rows[0]["raw"], rows[2]["raw"]) == ("0xff00", "ok")
    assert rows[0]["seen"] == "1 | 2"


def test_an_internal_error_exits_3_not_a_documented_status(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Y-23: an uncaught exception exited 1, which check-file documents as "done, some
    # rows unread" (and `check --exit-code` as "a hit"), with yesterday's --out in place.
    src = tmp_path / "m.csv"
    src.write_text(f"document\n{LISTED}\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    out.write_text("yesterday\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hotlist._checkfile.check_batches", broken)
    assert _check_file(src, snapshot, out) == INTERNAL_ERROR == 3
    assert not list(tmp_path.glob(".hits.csv.tmp-*"))


def _no_columns(n: int) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({"a": list(range(n))}).select([])


def test_column_less_batches_stream_each_row_once(hl: hotlist.Hotlist) -> None:
    # Y-26: pyarrow keeps a column-less table's row count whatever the slice, and
    # check_batches over such batches never ended (rebatch's rest kept every row).
    out = pa.Table.from_batches(list(hl.check_batches([_no_columns(5)] * 2, batch_size=2)))
    assert out.column("query_index").to_pylist() == list(range(10))
    assert all(e.startswith("empty query") for e in out.column("error").to_pylist())

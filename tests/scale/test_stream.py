"""check_batches and `hotlist check-file`: the same rows as check_many, a batch at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from scale_manifest import MAPPING, manifest_table

import hotlist
from hotlist._stream import check_many_mapped
from hotlist._workers import (
    _CACHE,
    OPEN_LOG_ENV,
    manifest_digest,
    result_schema,
    worker_hotlist,
)
from hotlist.cli import main


def expected(hl: hotlist.Hotlist, table: pa.Table) -> pa.Table:
    """check_many over the whole manifest at once (columns mapped, the rest passed)."""
    return check_many_mapped(hl, table, MAPPING, None)


def streamed(hl: hotlist.Hotlist, source: object, **kw: object) -> pa.Table:
    stream = hl.check_batches(source, columns=MAPPING, **kw)
    batches = list(stream)
    return pa.Table.from_batches(batches, schema=stream.schema)


@pytest.mark.parametrize("batch_size", [1, 7, 100, 10_000])
def test_batches_equal_check_many_row_for_row(
    hl: hotlist.Hotlist, manifest: pa.Table, batch_size: int
) -> None:
    want = expected(hl, manifest)
    got = streamed(hl, manifest, batch_size=batch_size)
    # query_index counts rows over the whole stream, as check_many numbers them
    assert got.equals(want)
    assert got.column("error").null_count < got.num_rows  # refused rows are there
    assert "passenger_id" in got.column_names and "seat" in got.column_names


def test_iterable_of_batches_of_any_size(hl: hotlist.Hotlist, manifest: pa.Table) -> None:
    sizes = [0, 3, 50, 1, 120, 86]
    assert sum(sizes) == manifest.num_rows
    parts, start = [], 0
    for size in sizes:
        parts.append(manifest.slice(start, size).to_batches()[0] if size else manifest.slice(0, 0))
        start += size
    got = streamed(hl, iter(parts), batch_size=64)
    assert got.equals(expected(hl, manifest))


def test_progress_bar_with_a_known_and_an_unknown_total(
    hl: hotlist.Hotlist, manifest: pa.Table, capsys: pytest.CaptureFixture[str]
) -> None:
    """progress=True shows a bar on stderr whether the row count is known (a table)
    or not (a stream of batches), and the rows are the same as without it."""
    want = expected(hl, manifest)
    for source in (manifest, iter(manifest.to_batches(max_chunksize=50))):
        assert streamed(hl, source, batch_size=64, progress=True).equals(want)
        assert "checking" in capsys.readouterr().err


def test_files_and_folders(hl: hotlist.Hotlist, manifest: pa.Table, tmp_path: Path) -> None:
    want = expected(hl, manifest)
    pq.write_table(manifest, tmp_path / "m.parquet", row_group_size=37)
    assert streamed(hl, tmp_path / "m.parquet", batch_size=50).equals(want)

    folder = tmp_path / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, manifest.num_rows, 100)):
        pq.write_table(manifest.slice(start, 100), folder / f"part-{i:03d}.parquet")
    (folder / "_SUCCESS").write_text("")  # what Spark leaves: not a manifest file
    assert streamed(hl, str(folder)).equals(want)

    # CSV has no types: every column is text, so the ids come back as text
    pacsv.write_csv(manifest, tmp_path / "m.csv")
    got = streamed(hl, tmp_path / "m.csv", batch_size=64)
    as_text = manifest.set_column(
        0, "passenger_id", manifest.column("passenger_id").cast(pa.string())
    )
    assert got.equals(expected(hl, as_text))

    # JSON Lines keep their types
    lines = [
        json.dumps({k: v for k, v in row.items() if v is not None}) for row in manifest.to_pylist()
    ]
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n")
    got = streamed(hl, tmp_path / "m.jsonl")
    assert by_id(got) == by_id(want)


def by_id(table: pa.Table) -> dict[int, list[tuple[object, ...]]]:
    out: dict[int, list[tuple[object, ...]]] = {}
    for row in table.to_pylist():
        key = (row["record_id"], row["match"], row["score"], tuple(row["warnings"]), row["error"])
        out.setdefault(int(row["passenger_id"]), []).append(key)
    return out


def test_csv_keeps_leading_zeros_and_reports_unreadable_rows(
    hl: hotlist.Hotlist, tmp_path: Path
) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "id,doc_no,issuer\n"
        "007,00123456,FRA\n"
        "008,L898902C3,UTO,extra field\n"  # unreadable: 4 fields
        "009,L898902C3,UTO\n"
        "010,,\n"  # empty cells are missing values: an empty query, refused
    )
    stream = hl.check_batches(path, columns=MAPPING)
    rows = pa.Table.from_batches(list(stream)).to_pylist()
    assert rows[0]["id"] == "007" and rows[0]["doc_no"] == "00123456"
    assert [r["id"] for r in rows if r["hit"]][:1] == ["009"]
    assert rows[-1]["id"] == "010" and rows[-1]["error"].startswith("empty query")
    assert [(b.line, b.reason) for b in stream.bad_rows] == [(3, "4 fields where the header has 3")]
    assert stream.bad_rows[0].file == str(path)
    assert stream.rows == 3 and stream.errors == 1


DAMAGED_MANIFESTS = {
    # an unclosed quote: before, it swallowed every row after it into one unreadable row
    "open-quote": (
        'id,doc_no,issuer\n1,L898902C3,UTO\n2,"X1234567,FRA\n3,L898902C3,UTO\n4,AB1234,DEU\n',
        [(3, "quote")],
    ),
    # a stray quote closed by another one two lines later, and a short row after them
    "two-quotes": (
        'id,doc_no,issuer\n1,"L898902C3,UTO\n2,X1234567,FRA\n3,L898902C3",UTO\n'
        "4,AB1234\n5,L898902C3,UTO\n",
        [(2, "quote"), (5, "2 fields where the header has 3")],
    ),
    # a quoted file whose value's closing quote is missing at the end of a line
    "quoted-file": (
        'id,doc_no,issuer,note\n"1","L898902C3","UTO","a, b"\n"2","X1234567","FRA","a, b\n'
        '"3","L898902C3","UTO","a, b"\n"4","AB1234","DEU","a, b"\n',
        [(3, "quote")],
    ),
    # bytes that are not UTF-8 in one row
    "not-utf8": (
        "id,doc_no,issuer\n1,L898902C3,UTO\n2,\udcff\udcfe,FRA\n3,L898902C3,UTO\n",
        [(3, "not UTF-8")],
    ),
}


@pytest.mark.parametrize("case", sorted(DAMAGED_MANIFESTS))
def test_damaged_csv_row_is_reported_and_the_rows_after_it_are_checked(
    hl: hotlist.Hotlist, tmp_path: Path, case: str
) -> None:
    """A CSV manifest row that cannot be read costs that row only: it is reported
    with its file, line and reason, and every row after it is still checked (the
    extract loader's row-by-row reader, shared)."""
    text, bad = DAMAGED_MANIFESTS[case]
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    stream = hl.check_batches(path, columns=MAPPING)
    rows = pa.Table.from_batches(list(stream), schema=stream.schema).to_pylist()
    lines = text.count("\n") - 1  # data lines
    assert stream.rows == lines - len(bad)
    assert [b.line for b in stream.bad_rows] == [line for line, _ in bad]
    for row, (_, why) in zip(stream.bad_rows, bad, strict=True):
        assert row.file == str(path) and why in row.reason, row
    ids = [r["id"] for r in rows]
    assert ids[-1] == text.rstrip("\n").rsplit("\n", 1)[1].split(",")[0].strip('"')
    # the rows after the damaged one are checked: the last listed document is found
    assert {r["hit"] for r in rows if r["id"] == "3"} == {case != "two-quotes"}


def test_check_file_reports_a_damaged_manifest_row_and_checks_the_rest(
    snapshot: Path, tmp_path: Path
) -> None:
    """The same through ``hotlist check-file`` in a child process: exit status 1,
    the row listed with its line, the rows after it written."""
    path = tmp_path / "m.csv"
    path.write_text(DAMAGED_MANIFESTS["open-quote"][0])
    out = tmp_path / "hits.parquet"
    args = ["check-file", str(path), "--data", str(snapshot), "--out", str(out), "--json"]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hotlist",
            *args,
            "--column",
            "doc_no=document",
            "--column",
            "issuer=country",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    summary = json.loads(run.stdout)
    assert summary["rows"] == 3 and summary["bad_input_rows"] == 1
    [bad] = summary["bad_rows"]
    assert bad["line"] == 3 and "quote" in bad["reason"] and bad["file"] == str(path)
    written = pq.read_table(out).to_pylist()
    assert {r["id"] for r in written} == {"1", "3", "4"}
    assert {r["hit"] for r in written if r["id"] == "3"} == {True}


def test_quoted_values_in_a_csv_manifest_stay_whole(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    """Quotes used as meant (a comma or a line break inside a value) are no damage."""
    path = tmp_path / "m.csv"
    path.write_text(
        'id,doc_no,issuer,note\n1,L898902C3,UTO,"Smith, John"\n'
        '2,X1234567,FRA,"two\nlines"\n3,"L898902C3",UTO,\n'
    )
    stream = hl.check_batches(path, columns=MAPPING)
    rows = pa.Table.from_batches(list(stream), schema=stream.schema).to_pylist()
    assert stream.bad_rows == [] and stream.rows == 3
    firsts = {r["id"]: r for r in reversed(rows)}
    assert firsts["1"]["note"] == "Smith, John" and firsts["2"]["note"] == "two\nlines"
    assert firsts["3"]["note"] is None and firsts["3"]["hit"]


def test_stream_is_lazy_one_batch_at_a_time(hl: hotlist.Hotlist, manifest: pa.Table) -> None:
    """Bounded memory: the first result comes out after reading one input batch."""
    pulled: list[int] = []

    def source() -> Iterator[pa.RecordBatch]:
        for i, batch in enumerate(manifest.to_batches(max_chunksize=20)):
            pulled.append(i)
            yield batch

    stream = hl.check_batches(source(), columns=MAPPING, batch_size=20)
    assert pulled == []
    next(stream)
    assert pulled == [0]
    next(iter(stream))
    assert len(pulled) <= 2


def test_totals(hl: hotlist.Hotlist, manifest: pa.Table) -> None:
    stream = hl.check_batches(manifest, columns=MAPPING, batch_size=33)
    want = expected(hl, manifest).to_pylist()
    for _ in stream:
        pass
    firsts = {r["query_index"]: r for r in reversed(want)}
    assert stream.rows == manifest.num_rows
    assert stream.output_rows == len(want)
    assert stream.hits == len({r["query_index"] for r in want if r["hit"]})
    assert stream.errors == sum(1 for r in firsts.values() if r["error"])
    assert stream.warned == sum(1 for r in firsts.values() if r["warnings"])
    assert stream.summary()["rows"] == manifest.num_rows


def test_result_schema_is_what_comes_out(hl: hotlist.Hotlist, manifest: pa.Table) -> None:
    assert result_schema(manifest.schema, MAPPING) == expected(hl, manifest).schema
    empty = streamed(hl, manifest.slice(0, 0))
    assert empty.num_rows == 0 and empty.schema == expected(hl, manifest).schema


@pytest.mark.parametrize(
    ("source", "kw", "message"),
    [
        ("nowhere/m.parquet", {}, "no such file"),
        ("{tmp}/m.txt", {}, "cannot tell the format"),
        ("{tmp}/mixed", {}, "mixes file formats"),
        ("{manifest}", {"columns": {"doc_no": "passport"}}, "not a check() keyword"),
        ("{manifest}", {"limit": 0}, "limit"),
        ("{manifest}", {"batch_size": 0}, "batch_size"),
        (42, {}, "not int"),
    ],
)
def test_bad_sources_and_options(  # noqa: PLR0917 - fixtures and parameters
    hl: hotlist.Hotlist,
    manifest: pa.Table,
    tmp_path: Path,
    source: object,
    kw: dict[str, object],
    message: str,
) -> None:
    (tmp_path / "m.txt").write_text("doc_no\nX\n")
    (tmp_path / "mixed").mkdir()
    pq.write_table(manifest, tmp_path / "mixed" / "a.parquet")
    pacsv.write_csv(manifest, tmp_path / "mixed" / "b.csv")
    if source == "{manifest}":
        source = manifest
    elif isinstance(source, str):
        source = source.replace("{tmp}", str(tmp_path))
    with pytest.raises(hotlist.InvalidQuery, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(hl.check_batches(source, **kw))  # type: ignore[arg-type]


def test_worker_cache_opens_once_per_version(
    hl: hotlist.Hotlist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "opens.log"
    monkeypatch.setenv(OPEN_LOG_ENV, str(log))
    path = tmp_path / "snap"
    hl.save(path)
    first = worker_hotlist(str(path))
    assert worker_hotlist(str(path)) is first
    assert worker_hotlist(str(path), expected_digest=manifest_digest(path)) is first
    with pytest.raises(hotlist.IntegrityError, match="not the one the job was started with"):
        worker_hotlist(str(path), expected_digest="0" * 64)
    # the snapshot replaced in place: a new manifest, opened anew, the old one let go
    hotlist.Hotlist.from_tables(documents=hl.tables["documents"].slice(0, 3)).save(
        path, overwrite=True
    )
    second = worker_hotlist(str(path))
    assert second is not first and second.data_version != first.data_version
    assert sum(1 for k in _CACHE if k[0] == os.path.realpath(path)) == 1
    opens = [line.split() for line in log.read_text().splitlines()]
    assert [o[0] for o in opens] == ["open", "open"]
    with pytest.raises(hotlist.IntegrityError, match="every worker"):
        worker_hotlist(str(tmp_path / "missing"))


def test_check_file_cli(
    hl: hotlist.Hotlist, snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = manifest_table(60)
    src = tmp_path / "manifest.parquet"
    pq.write_table(manifest, src)
    out = tmp_path / "hits.parquet"
    flags = ["--column", "doc_no=document", "--column", "issuer=country"]
    code = main(["check-file", str(src), "--data", str(snapshot), "--out", str(out), *flags])
    assert code == 0
    assert pq.read_table(out).equals(expected(hl, manifest))
    assert "rows checked" in capsys.readouterr().out

    # --workers is check_many's workers= (name rows over 2 processes): the same rows
    both = tmp_path / "both.parquet"
    args = ["check-file", str(src), "--data", str(snapshot), "--out", str(both), *flags]
    assert main([*args, "--workers", "2"]) == 0
    assert pq.read_table(both).equals(expected(hl, manifest))
    capsys.readouterr()

    # --hits-only keeps hits, refused rows and warned rows; --json prints the summary
    only = tmp_path / "only.arrow"
    args = ["check-file", str(src), "--data", str(snapshot), "--out", str(only), *flags]
    code = main([*args, "--hits-only", "--json"])
    summary = json.loads(capsys.readouterr().out)
    got = pa.ipc.open_file(only).read_all()
    full = expected(hl, manifest)
    keep = [r for r in full.to_pylist() if r["hit"] or r["error"] or r["warnings"]]
    assert got.to_pylist() == keep and len(keep) < full.num_rows
    assert summary["rows"] == 60 and summary["errors"] > 0 and summary["bad_input_rows"] == 0

    # an unreadable CSV row: reported, exit status 1, the rest written
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_no,issuer\nL898902C3,UTO\n1,2,3\nX1234567,FRA\n")
    csv_out = tmp_path / "hits.csv"
    code = main(["check-file", str(bad), "--data", str(snapshot), "--out", str(csv_out), *flags])
    text = capsys.readouterr().out
    assert code == 1 and "unreadable" in text and ":3:" in text
    rows = pacsv.read_csv(csv_out).to_pylist()
    assert {r["doc_no"] for r in rows} == {"L898902C3", "X1234567"}


def test_check_file_refuses_without_a_half_written_file(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "m.parquet"
    pq.write_table(manifest_table(10), src)
    out = tmp_path / "hits.parquet"
    refused = (["--column", "doc_no"], ["--column", "doc_no=passport"], ["--limit", "0"])
    for flags in (*refused, ["--workers", "0"]):
        assert (
            main(["check-file", str(src), "--data", str(snapshot), "--out", str(out), *flags]) == 2
        )
        assert "hotlist:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.parquet"]
    assert main(["check-file", str(src), "--data", str(tmp_path / "none"), "--out", str(out)]) == 2


def test_hotlist_dask_does_not_shadow_dask() -> None:
    """The package's own module is hotlist.dask; `import dask` still gets the real one."""
    code = (
        "import hotlist.dask, sys\n"
        "import dask\n"
        "here = hotlist.dask.__file__.rsplit('/', 1)[0]\n"
        "assert not dask.__file__.startswith(here), dask.__file__\n"
        "assert sys.modules['dask'] is dask and hotlist.dask.__name__ == 'hotlist.dask'\n"
        "print('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.stdout.strip() == "ok", run.stderr


@pytest.mark.parametrize(
    ("module", "hint"), [("spark", "hotlist[spark]"), ("dask", "hotlist[dask]")]
)
def test_missing_extra_gives_an_install_hint(module: str, hint: str) -> None:
    blocked = "pyspark" if module == "spark" else "dask"
    code = (
        "import sys\n"
        f"sys.modules[{blocked!r}] = None\n"
        f"import hotlist.{module} as m\n"
        "try:\n"
        "    m.check_dataframe(None, '/nowhere')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert hint in run.stdout, run.stderr


def test_damaged_files_are_reported_not_crashed(
    hl: hotlist.Hotlist, manifest: pa.Table, snapshot: Path, tmp_path: Path
) -> None:
    """A truncated Parquet file, and JSON Lines whose column changes type midway:
    InvalidQuery naming the file (check-file: exit status 2, no output file)."""
    good = tmp_path / "good.parquet"
    pq.write_table(manifest, good)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('{"doc_no": "L898902C3"}\n' * 3 + '{"doc_no": 12345}\n')
    for path in (cut, mixed):
        with pytest.raises(hotlist.InvalidQuery, match=path.name):
            list(hl.check_batches(path, columns=MAPPING))
        out = tmp_path / "hits.parquet"
        args = ["check-file", str(path), "--data", str(snapshot), "--out", str(out)]
        code = subprocess.run(
            [sys.executable, "-m", "hotlist", *args, "--column", "doc_no=document"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert code.returncode == 2, code.stderr
        assert "Traceback" not in code.stderr and path.name in code.stderr
        assert not out.exists()

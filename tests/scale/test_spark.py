"""hotlist.spark on a local Spark (2 worker threads, Python workers reused): the same
rows as check_many, the snapshot opened once per Python worker.

One SparkSession for the module (starting one costs 15-20 s).  Needs pyspark (the
``test`` extra installs it) and a Java 17+ runtime; without Java the module is
skipped, except under CI, where it fails.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from readme_examples import example, run_shell_example
from scale_manifest import MAPPING, by_passenger, manifest_table

from hotlist._stream import check_many_mapped
from hotlist._workers import OPEN_LOG_ENV

pyspark = pytest.importorskip("pyspark")

if shutil.which("java") is None and not os.environ.get("CI"):
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

pytestmark = [
    # pyspark 4.x warns about pandas 3 at import of its pandas helpers; not ours to fix
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def open_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark") / "opens.log"


@pytest.fixture(scope="module")
def spark(open_log: Path) -> Iterator[object]:
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", OPEN_LOG_ENV)}
    # the workers run this interpreter, and inherit the open log set before they start
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ[OPEN_LOG_ENV] = str(open_log)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("hotlist-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "6")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def assert_rows_of_check_many(got: pa.Table, want: pa.Table) -> None:
    """``got`` (from Spark) has check_many's schema, with the passed-through columns,
    and its rows per passenger (Spark's order of partitions is its own), hits in
    order; errors and warnings among them."""
    assert got.schema.names == want.schema.names
    assert [f.type for f in got.schema] == [f.type for f in want.schema]
    assert by_passenger(got) == by_passenger(want)
    assert got.column("error").null_count < got.num_rows
    assert any(w for w in got.column("warnings").to_pylist())


def flagged_rows(want: pa.Table) -> pa.Table:
    """check_many's rows with a hit, an error or a warning (what hits_only keeps)."""
    warned = pc.greater(pc.list_value_length(want["warnings"]), 0)
    return want.filter(pc.or_(pc.or_(want["hit"], pc.is_valid(want["error"])), warned))


def test_spark_rows_equal_check_many_and_one_open_per_worker(
    spark: object, snapshot: Path, open_log: Path
) -> None:
    import hotlist.spark

    manifest = manifest_table(390)
    df = spark.createDataFrame(manifest).repartition(6)  # type: ignore[attr-defined]
    out = hotlist.spark.check_dataframe(df, str(snapshot), columns=MAPPING)
    got = out.toArrow()

    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert_rows_of_check_many(got, want)

    # query_index: one per input row, partition << 33 | row, as monotonically_increasing_id
    pairs = set(
        zip(
            got.column("passenger_id").to_pylist(),
            got.column("query_index").to_pylist(),
            strict=True,
        )
    )
    assert len(pairs) == manifest.num_rows == len({q for _, q in pairs})
    assert len({q >> 33 for _, q in pairs}) == 6

    # each Python worker opened the snapshot once and checked several partitions
    events = [line.split() for line in open_log.read_text().splitlines()]
    opens = [pid for kind, pid, _ in events if kind == "open"]
    parts = [pid for kind, pid, _ in events if kind == "part"]
    assert len(opens) == len(set(opens)) >= 1
    assert set(parts) <= set(opens)
    assert len(parts) == 6 > len(opens)
    assert sum(int(n) for kind, _, n in events if kind == "part") == manifest.num_rows


def test_spark_hits_only_and_arrow_conf(spark: object, snapshot: Path) -> None:
    """Under ARROW_CONF (Spark's Arrow batches of 100,000 rows, no per-row size
    measure) the same rows; hits_only=True keeps check_many's flagged rows."""
    import hotlist.spark

    conf = spark.conf  # type: ignore[attr-defined]
    saved = {key: conf.get(key, None) for key in hotlist.spark.ARROW_CONF}
    manifest = manifest_table(390)
    df = spark.createDataFrame(manifest).repartition(3)  # type: ignore[attr-defined]
    try:
        for key, value in hotlist.spark.ARROW_CONF.items():
            conf.set(key, value)
        got = hotlist.spark.check_dataframe(df, str(snapshot), columns=MAPPING).toArrow()
        kept = hotlist.spark.check_dataframe(
            df, str(snapshot), columns=MAPPING, hits_only=True
        ).toArrow()
    finally:
        for key, value in saved.items():
            if value is None:
                conf.unset(key)
            else:
                conf.set(key, value)
    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert_rows_of_check_many(got, want)
    assert kept.schema == got.schema
    assert 0 < kept.num_rows < got.num_rows
    assert by_passenger(kept) == by_passenger(flagged_rows(want))


def test_spark_select_returns_those_columns_only(
    spark: object, snapshot: Path, tmp_path: Path
) -> None:
    """select=: the result's columns picked in the worker (Spark cannot push a
    projection into mapInArrow); check_dataframe and check_parquet, with hits_only
    too; a name that is not a result column is refused on the driver."""
    import pyarrow.parquet as pq

    import hotlist.spark

    picked = ["passenger_id", "hit", "record_id", "match", "warnings", "error"]
    manifest = manifest_table(130)
    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    key = ["passenger_id", "record_id", "match"]

    def rows(table: pa.Table) -> list[dict[str, object]]:
        return sorted(table.to_pylist(), key=lambda r: [str(r[k]) for k in key])

    df = spark.createDataFrame(manifest).repartition(2)  # type: ignore[attr-defined]
    got = hotlist.spark.check_dataframe(df, str(snapshot), columns=MAPPING, select=picked)
    assert got.columns == picked
    assert rows(got.toArrow()) == rows(want.select(picked))
    path = tmp_path / "m.parquet"
    pq.write_table(manifest, path, row_group_size=50)
    kept = hotlist.spark.check_parquet(
        spark, path, str(snapshot), columns=MAPPING, hits_only=True, select=picked[::-1]
    ).toArrow()
    assert kept.schema.names == picked[::-1]
    assert rows(kept) == rows(flagged_rows(want).select(picked[::-1]))
    for bad in (["hit", "seat_no"], [], ["hit", "hit"]):
        with pytest.raises(hotlist.InvalidQuery, match="select="):
            hotlist.spark.check_dataframe(df, str(snapshot), columns=MAPPING, select=bad)


def test_spark_refuses_on_the_driver(spark: object, snapshot: Path) -> None:
    import hotlist.spark

    df = spark.createDataFrame(pa.table({"doc_no": [1, 2]}))  # type: ignore[attr-defined]
    with pytest.raises(hotlist.InvalidQuery, match="passport"):
        hotlist.spark.check_dataframe(df, str(snapshot), columns={"doc_no": "passport"})
    with pytest.raises(hotlist.InvalidQuery, match="max_edits"):
        hotlist.spark.check_dataframe(df, str(snapshot), max_edits=3)
    with pytest.raises(hotlist.InvalidQuery, match="workers=2"):
        hotlist.spark.check_dataframe(df, str(snapshot), workers=2)


def test_the_task_carries_no_hotlist(snapshot: Path) -> None:
    """What Spark pickles into every task: a path, a digest, options, a schema."""
    import pickle

    from hotlist.spark import _Mapper

    mapper = _Mapper(str(snapshot), "0" * 64, dict(MAPPING), {}, False, None, 10, pa.schema([]))
    blob = pickle.dumps(mapper)
    assert len(blob) < 2_000
    assert b"Hotlist" not in blob and b"_State" not in blob


def test_the_mapper_joins_sparks_small_batches(snapshot: Path) -> None:
    """Spark hands mapInArrow batches of maxRecordsPerBatch rows (10,000 by default);
    the mapper checks batch_size rows at a time whatever their size, numbering rows
    over the whole partition."""
    import hotlist.spark
    from hotlist._workers import WorkerTask, result_schema

    manifest = manifest_table(390)
    schema = result_schema(manifest.schema, MAPPING)
    common = WorkerTask.fields_for(str(snapshot), MAPPING, {}, verify=False, public_key=None)
    mapper = hotlist.spark._Mapper(**common, batch_size=100, schema=schema)
    small = manifest.to_batches(max_chunksize=7)
    out = list(mapper(iter(small)))
    assert len(out) == 4  # 390 rows in batches of 7, checked 100 at a time
    got = pa.Table.from_batches(out)
    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert got.equals(want.cast(schema))
    assert list(mapper(iter([]))) == []


def test_spark_check_parquet_rows_equal_check_many(
    spark: object, snapshot: Path, open_log: Path, tmp_path: Path
) -> None:
    """check_parquet: the workers read the files themselves; the same rows, schema and
    numbering as check_dataframe, pieces of whole row groups, no new snapshot open."""
    import pyarrow.parquet as pq

    import hotlist.spark

    manifest = manifest_table(390)
    folder = tmp_path / "manifest"
    (folder / "day=2").mkdir(parents=True)
    pq.write_table(manifest.slice(0, 100), folder / "a.parquet")
    # 200 rows in row groups of 50: with rows_per_task=120, two pieces of two groups
    pq.write_table(manifest.slice(100, 200), folder / "day=2" / "b.parquet", row_group_size=50)
    pq.write_table(manifest.slice(300), folder / "c.parquet")
    (folder / "_SUCCESS").write_text("")
    logged = len(open_log.read_text().splitlines()) if open_log.exists() else 0

    out = hotlist.spark.check_parquet(
        spark, folder, str(snapshot), columns=MAPPING, rows_per_task=120
    )
    got = out.toArrow()
    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert_rows_of_check_many(got, want)
    # query_index: piece << 33 | row in the piece; pieces in path order: a, c, b's
    # row groups 0-1, b's 2-3
    firsts = {}
    for pid, q in zip(
        got.column("passenger_id").to_pylist(), got.column("query_index").to_pylist(), strict=True
    ):
        firsts.setdefault(q, pid)
    starts = {q >> 33: pid for q, pid in firsts.items() if q & ((1 << 33) - 1) == 0}
    assert starts == {0: 1000, 1: 1300, 2: 1100, 3: 1200}

    # hits_only: the rows with a hit, an error or a warning, as check_many gives them
    kept = hotlist.spark.check_parquet(
        spark, str(folder), str(snapshot), columns=MAPPING, hits_only=True
    ).toArrow()
    assert 0 < kept.num_rows < want.num_rows
    assert by_passenger(kept) == by_passenger(flagged_rows(want))

    events = [line.split() for line in open_log.read_text().splitlines()]
    opens = [pid for kind, pid, _ in events if kind == "open"]
    assert len(opens) == len(set(opens)) >= 1
    new = events[logged:]
    assert sum(int(n) for kind, _, n in new if kind == "part") == 2 * manifest.num_rows
    assert len([1 for kind, _, _ in new if kind == "part"]) == 4 + 3  # 3 files, default size


def test_spark_check_parquet_refuses_on_the_driver(
    spark: object, snapshot: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    import hotlist.spark

    (tmp_path / "m.csv").write_text("doc_no\nA1\n")
    with pytest.raises(hotlist.InvalidQuery, match="Parquet"):
        hotlist.spark.check_parquet(spark, tmp_path / "m.csv", str(snapshot))
    pq.write_table(pa.table({"doc_no": ["A1", "B2"]}), tmp_path / "n.parquet")
    with pytest.raises(hotlist.InvalidQuery, match="passport"):
        hotlist.spark.check_parquet(
            spark, tmp_path / "n.parquet", str(snapshot), columns={"doc_no": "passport"}
        )
    with pytest.raises(hotlist.InvalidQuery, match="max_edits"):
        hotlist.spark.check_parquet(spark, tmp_path / "n.parquet", str(snapshot), max_edits=3)
    with pytest.raises(hotlist.InvalidQuery, match="no such file"):
        hotlist.spark.check_parquet(spark, tmp_path / "missing", str(snapshot))
    # a later file with a column the first has not (it would go unchecked), or
    # another type (text read as integers loses leading zeros): refused, named
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(pa.table({"doc_no": ["A1"]}), folder / "a.parquet")
    pq.write_table(pa.table({"doc_no": ["B2"], "vin": ["1M8GDM9AXKP042788"]}), folder / "b.parquet")
    with pytest.raises(hotlist.InvalidQuery, match=r"b\.parquet has other columns.*\['vin'\]"):
        hotlist.spark.check_parquet(spark, folder, str(snapshot), columns={"doc_no": "document"})
    pq.write_table(pa.table({"doc_no": [12345]}), folder / "b.parquet")
    with pytest.raises(hotlist.InvalidQuery, match=r"other types: \['doc_no'\]"):
        hotlist.spark.check_parquet(spark, folder, str(snapshot), columns={"doc_no": "document"})


def test_check_parquet_reads_every_file_as_the_first() -> None:
    import hotlist.spark
    from hotlist.spark import _as_read_schema

    schema = pa.schema([("doc_no", pa.string()), ("n", pa.int64())])
    later = pa.table({"n": pa.array([1], pa.int32()), "doc_no": ["A1"]})
    assert _as_read_schema(later, schema, "b.parquet").schema == schema
    with pytest.raises(hotlist.InvalidQuery, match=r"b\.parquet"):
        _as_read_schema(pa.table({"doc_no": ["A1"]}), schema, "b.parquet")


def test_readme_spark_example_runs_as_written(
    spark: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Last in this module: the example stops the Spark session it gets (this module's)."""
    done = run_shell_example(tmp_path)  # the snapshot and the manifest the example reads
    assert done.returncode == 0, done.stdout + done.stderr
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "using an existing Spark session"
        # as written, but for the manifest's path: this module's JVM started in another
        # folder, and Spark resolves a relative path against the JVM's
        code = example("spark").replace(
            '"manifest.parquet"', repr(str(tmp_path / "manifest.parquet"))
        )
        exec(compile(code, "README.md (spark example)", "exec"), {})
    out = capsys.readouterr().out
    assert "DEMO-D-0001" in out and "|  ocr|" in out

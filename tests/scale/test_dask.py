"""hotlist.dask on a local distributed cluster (2 worker processes): the same rows as
check_many, pass-through columns with their own dtypes, one snapshot open per worker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from scale_manifest import MAPPING, by_passenger, manifest_table

from hotlist._stream import check_many_mapped, flagged, query_names
from hotlist._workers import OPEN_LOG_ENV

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def open_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dask") / "opens.log"


@pytest.fixture(scope="module")
def client(open_log: Path) -> Iterator[object]:
    saved = os.environ.get(OPEN_LOG_ENV)
    os.environ[OPEN_LOG_ENV] = str(open_log)  # inherited by the worker processes
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()
    if saved is None:
        os.environ.pop(OPEN_LOG_ENV, None)
    else:
        os.environ[OPEN_LOG_ENV] = saved


def test_dask_rows_equal_check_many_and_one_open_per_worker(
    client: object, snapshot: Path, open_log: Path
) -> None:
    import hotlist.dask

    manifest = manifest_table(390)
    frame = manifest.to_pandas()
    ddf = dd.from_pandas(frame, npartitions=8)
    out = hotlist.dask.check_dataframe(ddf, str(snapshot), columns=MAPPING)
    got_frame = out.compute()
    # meta, computed up front, is what the partitions hold
    assert list(got_frame.columns) == list(out._meta.columns)
    assert list(got_frame.dtypes) == list(out._meta.dtypes)
    assert got_frame["passenger_id"].dtype == frame["passenger_id"].dtype

    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert list(got_frame.columns) == want.schema.names
    got = pa.Table.from_pandas(got_frame, preserve_index=False)
    assert by_passenger(got) == by_passenger(want)
    assert got.column("error").null_count < got.num_rows
    assert any(w for w in got.column("warnings").to_pylist())

    pairs = set(
        zip(got_frame["passenger_id"].tolist(), got_frame["query_index"].tolist(), strict=True)
    )
    assert len(pairs) == manifest.num_rows == len({q for _, q in pairs})
    assert {q >> 33 for _, q in pairs} == set(range(8))

    events = [line.split() for line in open_log.read_text().splitlines()]
    opens = [pid for kind, pid, _ in events if kind == "open"]
    parts = [pid for kind, pid, _ in events if kind == "part"]
    assert len(opens) == len(set(opens)) >= 1
    assert set(parts) <= set(opens)
    assert len(parts) >= 8 > len(opens)
    assert sum(int(n) for kind, _, n in events if kind == "part") >= manifest.num_rows


def test_dask_hits_only_equals_the_flagged_rows_of_check_many(
    client: object, snapshot: Path
) -> None:
    """hits_only=True: the rows of check_many with a hit, an error or a warning, pass-through
    columns and their dtypes included, in the same schema as without it."""
    import hotlist.dask

    manifest = manifest_table(260)
    frame = manifest.to_pandas()
    ddf = dd.from_pandas(frame, npartitions=4)
    out = hotlist.dask.check_dataframe(ddf, str(snapshot), columns=MAPPING, hits_only=True)
    full = hotlist.dask.check_dataframe(ddf, str(snapshot), columns=MAPPING)
    assert list(out._meta.dtypes) == list(full._meta.dtypes)
    got_frame = out.compute()
    assert list(got_frame.dtypes) == list(out._meta.dtypes)

    want = flagged(check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None))
    got = pa.Table.from_pandas(got_frame, preserve_index=False)
    assert 0 < len(by_passenger(got)) < manifest.num_rows  # some queries dropped
    assert by_passenger(got) == by_passenger(want)
    assert got.column("hit").to_pylist().count(False) > 0  # errors and warnings kept too
    # query_index still names each row's partition and place
    whole = full.compute().set_index("query_index")
    for q, pid in zip(got_frame["query_index"], got_frame["passenger_id"], strict=True):
        assert pid in set(whole.loc[[q], "passenger_id"])


def test_dask_refuses_before_computing(client: object, snapshot: Path) -> None:
    import pandas as pd

    import hotlist.dask

    ddf = dd.from_pandas(pd.DataFrame({"doc_no": ["A1", "B2"]}), npartitions=1)
    with pytest.raises(hotlist.InvalidQuery, match="passport"):
        hotlist.dask.check_dataframe(ddf, str(snapshot), columns={"doc_no": "passport"})
    with pytest.raises(hotlist.InvalidQuery, match="limit"):
        hotlist.dask.check_dataframe(ddf, str(snapshot), limit=0)
    with pytest.raises(hotlist.InvalidQuery, match="workers=2"):
        hotlist.dask.check_dataframe(ddf, str(snapshot), workers=2)


def test_a_partition_is_checked_batch_size_rows_at_a_time(snapshot: Path) -> None:
    """check_pandas over slices of a partition: the same frame as in one call,
    query_index over the whole partition, pass-through dtypes kept."""
    import hotlist.dask

    hl = hotlist.open(snapshot)
    frame = manifest_table(100).to_pandas()
    whole = hotlist.dask.check_pandas(hl, frame, MAPPING, offset=5 << 33, batch_size=1000)
    sliced = hotlist.dask.check_pandas(hl, frame, MAPPING, offset=5 << 33, batch_size=7)
    assert list(sliced.dtypes) == list(whole.dtypes)
    assert sliced.equals(whole)
    assert sliced["query_index"].tolist()[-1] == (5 << 33) + 99
    with pytest.raises(hotlist.InvalidQuery, match="batch_size"):
        hotlist.dask.check_dataframe(
            dd.from_pandas(frame, npartitions=1), str(snapshot), batch_size=0
        )


def test_a_worker_enters_malloc_for_batches_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The raised glibc thresholds are held for the worker's life, not given back after
    each partition (which made every partition fault its pages in again)."""
    from contextlib import contextmanager

    import hotlist.dask

    entered: list[int] = []

    @contextmanager
    def counted() -> Iterator[None]:
        entered.append(1)
        yield

    monkeypatch.setattr(hotlist.dask, "malloc_for_batches", counted)
    monkeypatch.setattr(hotlist.dask, "_HELD", [])
    hotlist.dask._hold_malloc_raised()
    hotlist.dask._hold_malloc_raised()
    assert entered == [1]


def test_text_columns_are_arrow_backed_and_equal_check_many(snapshot: Path) -> None:
    """The result's text columns wrap check_many's arrays (pd.ArrowDtype, no copy into
    pandas' str), with the same values and missing values as check_many; the
    pass-through columns keep their own dtypes; a comparison on a column with
    missing values still works as a mask."""
    import pandas as pd

    import hotlist.dask

    hl = hotlist.open(snapshot)
    manifest = manifest_table(120)
    frame = manifest.to_pandas()
    out = hotlist.dask.check_pandas(hl, frame, MAPPING)
    want = check_many_mapped(hl, manifest, MAPPING, None)
    assert list(out.columns) == want.schema.names
    queries = query_names(list(frame.columns), MAPPING)
    for name in want.schema.names:
        typ = want.schema.field(name).type
        if name in frame.columns and name not in queries:
            assert out[name].dtype == frame[name].dtype, name
            continue
        if pa.types.is_string(typ) or pa.types.is_list(typ):
            assert out[name].dtype == pd.ArrowDtype(typ), name
            # the very values, nulls as nulls
            assert pa.array(out[name].array).equals(want.column(name).combine_chunks()), name
    assert out["severity"].isna().any() and out["error"].isna().any()
    alarms = out[out["severity"] == "alarm"]
    assert len(alarms) == pa.compute.sum(pa.compute.equal(want.column("severity"), "alarm")).as_py()

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from _index_refs import idf
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.index import TokenIndex

KEY = st.text(alphabet="ABCDE", min_size=0, max_size=3)


@st.composite
def entries(draw: st.DrawFn) -> tuple[list[list[str | None] | None], list[int] | None, int]:
    lists = draw(
        st.lists(st.one_of(st.none(), st.lists(st.one_of(st.none(), KEY), max_size=6)), max_size=30)
    )
    if draw(st.booleans()):
        n_rows = draw(st.integers(1, 12))
        row_of = draw(
            st.lists(st.integers(0, n_rows - 1), min_size=len(lists), max_size=len(lists))
        )
        return lists, row_of, n_rows
    return lists, None, len(lists)


def _row_keys(
    lists: list[list[str | None] | None], row_of: list[int] | None, n: int
) -> list[set[str]]:
    out: list[set[str]] = [set() for _ in range(n)]
    for i, lst in enumerate(lists):
        for k in lst or []:
            if k is not None:
                out[i if row_of is None else row_of[i]].add(k)
    return out


@settings(max_examples=150, deadline=None)
@given(data=entries(), query=st.lists(KEY, max_size=5), max_df=st.integers(1, 40))
def test_candidates_match_brute_force(
    data: tuple[list[list[str | None] | None], list[int] | None, int],
    query: list[str],
    max_df: int,
) -> None:
    lists, row_of, n = data
    arr = pa.array(lists, type=pa.list_(pa.string()))
    ix = TokenIndex.build(arr, row_of=row_of, n_rows=n if row_of is not None else None)
    row_keys = _row_keys(lists, row_of, n)
    df = {k: sum(k in ks for ks in row_keys) for k in set(query)}
    for k, v in df.items():
        assert ix.df(k) == v
        assert ix.postings(k).tolist() == [r for r, ks in enumerate(row_keys) if k in ks]
    known = [k for k in set(query) if df[k]]
    used = [k for k in known if df[k] <= max_df] or known
    want = {
        r: sum(idf(n, df[k]) for k in used if k in ks)
        for r, ks in enumerate(row_keys)
        if any(k in ks for k in used)
    }
    rows, scores = ix.scored_candidates(query, limit=10_000, max_df=max_df)
    assert rows.dtype == np.int64
    assert sorted(rows.tolist()) == sorted(want)
    assert np.allclose(scores, [want[r] for r in rows.tolist()], rtol=1e-5)
    # best first, ties by row
    assert [(-s, r) for s, r in zip(scores.tolist(), rows.tolist(), strict=True)] == sorted(
        (-s, r) for s, r in zip(scores.tolist(), rows.tolist(), strict=True)
    )
    # a limit keeps a prefix of the full ranking
    top, _ = ix.scored_candidates(query, limit=3, max_df=max_df)
    assert top.tolist() == rows.tolist()[:3]


def test_common_keys_are_skipped_unless_alone() -> None:
    lists = [["COMMON", f"R{i}"] for i in range(100)]
    ix = TokenIndex.build(pa.array(lists))
    assert ix.df("COMMON") == 100
    assert ix.candidates(["COMMON", "R7"], max_df=10).tolist() == [7]
    assert ix.candidates(["COMMON"], max_df=10).tolist() == list(range(100))
    assert ix.candidates(["COMMON"], max_df=10, limit=5).tolist() == [0, 1, 2, 3, 4]
    assert ix.candidates(["NOTHING"]).tolist() == []
    assert ix.candidates([], limit=5).tolist() == []


def test_aliases_count_once_per_record() -> None:
    # record 0 has a primary name and an alias sharing key "ANNA"
    lists = [["ANNA", "ERIKSSON"], ["ANNA", "SVENSSON"], ["ANNA", "SMITH"]]
    ix = TokenIndex.build(pa.array(lists), row_of=[0, 0, 1])
    assert ix.n_rows == 2
    assert ix.df("ANNA") == 2
    rows, scores = ix.scored_candidates(["ANNA", "SVENSSON"])
    assert rows.tolist() == [0, 1]
    assert scores[0] > scores[1]
    with pytest.raises(ValueError):
        TokenIndex.build(pa.array(lists), row_of=[0, 1])


def test_concurrent_threads_get_consistent_answers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(3)
    lists = [[f"K{v}" for v in rng.integers(0, 300, 5)] for _ in range(5000)]
    ix = TokenIndex.build(pa.array(lists))
    queries = [[f"K{v}" for v in rng.integers(0, 300, 3)] for _ in range(200)]
    want = [ix.candidates(q, limit=50).tolist() for q in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda q: ix.candidates(q, limit=50).tolist(), queries * 3))
    assert got == want * 3


def test_round_trip_through_np_save(tmp_path: Path) -> None:
    lists = [["ANNA", "ERIKSSON"], None, ["JOHN", "SMITH", None], ["ANNA"]]
    ix = TokenIndex.build(pa.array(lists))
    arrays = ix.arrays()
    for name, arr in arrays.items():
        np.save(tmp_path / f"{name}.npy", arr)
    back = TokenIndex.from_arrays(
        {n: np.load(tmp_path / f"{n}.npy", mmap_mode="r") for n in arrays}
    )
    assert back.candidates(["ANNA"]).tolist() == [0, 3]
    assert back.df("SMITH") == 1
    assert back.n_rows == 4
    assert back.n_keys == ix.n_keys

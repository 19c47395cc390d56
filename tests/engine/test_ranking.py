"""One ranking declaration (hotlist._ranking.RANKING) behind check()'s select() and
check_many's vectorised selection: the two choose the same records in the same order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotlist._batch_pool import TOLD, Pool, select_columns
from hotlist._documents import Candidate
from hotlist._ranking import LEVELS, RANKING, select, select_counted

DATASETS = ["documents", "persons", "vehicles"]

candidates = st.lists(
    st.builds(
        Candidate,
        dataset=st.sampled_from(DATASETS),
        row=st.integers(0, 4),
        match=st.sampled_from(LEVELS),
        score=st.sampled_from([0.3, 0.5, 0.8, 0.95, 1.0]),
        reasons=st.just(()),
        severity=st.sampled_from(TOLD),
    ),
    max_size=25,
)


@given(
    queries=st.lists(candidates, min_size=1, max_size=4),
    limit=st.integers(1, 6),
    min_score=st.sampled_from([0.0, 0.5, 0.9]),
)
def test_vectorised_selection_ranks_as_select(
    queries: list[list[Candidate]], limit: int, min_score: float
) -> None:
    pool = Pool(DATASETS)
    for q, found in enumerate(queries):
        pool.add(q, found)
    chosen = select_columns(pool, limit=limit, min_score=min_score)
    for q, found in enumerate(queries):
        mine = chosen.q == q
        got = [
            (DATASETS[d], int(r), LEVELS[lv], float(s), TOLD[v])
            for d, r, lv, s, v in zip(
                chosen.ds[mine],
                chosen.row[mine],
                chosen.level[mine],
                chosen.score[mine],
                chosen.severity[mine],
                strict=True,
            )
        ]
        ranked, omitted = select_counted(found, limit=limit, min_score=min_score)
        assert got == [(c.dataset, c.row, c.match, c.score, sev) for c, sev in ranked]
        assert int((chosen.over == q).sum()) == omitted
        assert [c for c, _ in ranked] == select(found, limit=limit, min_score=min_score)


def test_alarms_rank_before_a_higher_possible_hit() -> None:
    assert RANKING[0] == ("alarm", True)
    possible = Candidate("persons", 1, "fuzzy", 0.999, (), "possible")
    alarm = Candidate("documents", 2, "exact", 0.95, (), "alarm")
    assert select([possible, alarm], limit=1, min_score=0.5) == [alarm]

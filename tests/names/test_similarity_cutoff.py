"""``score_cutoff`` and ``similarity_many``: the early exit never changes a score
that reaches the cut-off.

The names come from the synthetic person pools (with their aliases) and from
corruptions of them (typos, dropped, joined or split parts, initials, swapped
order), so that most pairs are near misses around the thresholds, where an
unsound bound would show; and from arbitrary text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from name_corruption import corrupted

from hotlist import names, synth
from hotlist.names import MATCH_THRESHOLD, normalize, similarity, similarity_many


def _pool() -> list[str]:
    table = synth.persons(150, 3)
    out = [str(n) for n in table.column("name").to_pylist()]
    out += [str(a) for aliases in table.column("aliases").to_pylist() if aliases for a in aliases]
    out += ["Mao Tse-tung", "MAO ZEDONG", "Abdul Rahman AL-HASSAN", "ABDULRAHMAN HASSAN",
            "SAID BIN SALEM", "SALEM BIN SAID", "J. Smith", "van der Berg, Jan",
            "MHMD ALI"]  # fmt: skip
    return out


POOL = _pool()
TOKENS = sorted({t for n in POOL for t in normalize(n).replace(",", "").split()})


def _corrupted() -> st.SearchStrategy[str]:
    return corrupted(
        POOL,
        TOKENS,
        ops=["typo", "drop", "join", "split", "initial", "swap", "other"],
        edits=3,
        typo_letters="AEIOUNRSTKHY",
        comma_anywhere=False,
    )


NAMES = st.one_of(st.sampled_from(POOL), _corrupted(), _corrupted(), st.text(max_size=30))
CUTOFFS = st.one_of(
    st.floats(0.0, 1.0),
    st.sampled_from([MATCH_THRESHOLD, 0.8, 0.6, 0.6000001, 0.72, 0.9, 0.99, 1.0]),
)


@settings(max_examples=1500, deadline=None)
@given(NAMES, NAMES, CUTOFFS)
def test_cutoff_keeps_every_score_that_reaches_it(a: str, b: str, cutoff: float) -> None:
    s = similarity(a, b)
    assert similarity(a, b, score_cutoff=cutoff) == (s if s >= cutoff else 0.0)
    assert similarity(b, a, score_cutoff=cutoff) == (s if s >= cutoff else 0.0)
    assert names.explain(a, b)[0] == s


@settings(max_examples=300, deadline=None)
@given(NAMES, st.lists(NAMES, max_size=12), st.one_of(st.none(), CUTOFFS))
def test_similarity_many_is_similarity(
    query: str, candidates: list[str], cutoff: float | None
) -> None:
    want = [similarity(query, c, score_cutoff=cutoff) for c in candidates]
    assert similarity_many(query, candidates, score_cutoff=cutoff) == want
    # and again, now that the query's memo has met these tokens
    assert similarity_many(query, candidates, score_cutoff=cutoff) == want


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SMITH, JOHN", "SMITH, PETER"),  # capped at 0.6 by one shared token
        ("ERIKSSON, ANNA MARIA", "ERIKSSON, ANNA LISA"),  # two of three
        ("ABDUL RAHMAN, ALI", "ABDULRAHMAN, ALI"),  # a join makes the match
        ("MAO TSE TUNG", "MAO ZEDONG"),  # joined romanisation
        ("MOHAMMED", "MOHAMED"),  # one token each: no cap
        ("AL HASSAN, OMAR", "HASSAN, OMAR"),  # a missing particle
    ],
)
def test_cutoff_at_the_score(a: str, b: str) -> None:
    s = similarity(a, b)
    assert s > 0.0
    for cutoff in (s, s - 1e-12, s + 1e-12, 0.6, 0.85):
        assert similarity(a, b, score_cutoff=cutoff) == (s if s >= cutoff else 0.0)
    assert similarity_many(a, [b, b], score_cutoff=s) == [s, s]

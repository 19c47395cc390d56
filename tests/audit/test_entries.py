"""The fast writers of check entries give the canonical bytes (sorted keys, compact)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.audit._entries import BatchData, SessionContext, batch_lines, check_body, check_text
from hotlist.audit._format import GENESIS, KeyedHasher, canonical_line, utc_text

HASHER = KeyedHasher(b"h" * 32)
text_st = st.text(min_size=1, max_size=12)
FIELDS = ["document", "country", "mrz", "vin", "plate", "name", "dob"]


@settings(max_examples=80, deadline=None)
@given(
    operator=text_st,
    post=st.text(max_size=8),
    query=st.dictionaries(st.sampled_from(FIELDS), text_st, min_size=1),
    options=st.dictionaries(
        st.sampled_from(["limit", "min_score", "max_edits"]), st.integers(0, 5) | st.floats(0, 1)
    ),
    hits=st.lists(
        st.tuples(
            st.sampled_from(["documents", "persons"]),
            text_st,
            st.sampled_from(["alarm", "possible"]),
        ).map(list),
        max_size=3,
    ),
    error=st.none() | st.just("InvalidQuery"),
    latency=st.integers(0, 10**9),
)
def test_check_text_is_the_canonical_form(  # noqa: PLR0917
    operator: str,
    post: str,
    query: dict[str, str],
    options: dict[str, Any],
    hits: list[list[str]],
    error: str | None,
    latency: int,
) -> None:
    ctx = SessionContext(operator, "frontline", "border ✓", post, "s1")
    data = (ctx, query, options, hits, bool(hits), 0, latency, "v1", "hotlist x", error)
    fast = b'{"seq":7,"prev":"%s",%s' % (
        GENESIS.encode(),
        check_text(HASHER, data, "T", "i").encode(),
    )
    assert fast == canonical_line(7, GENESIS, check_body(HASHER, data, "T", "i"))


@pytest.mark.parametrize("operator", ["o", "@@row@@", "100% sure"])
def test_batch_lines_are_canonical(operator: str) -> None:
    ctx = SessionContext(operator, "analyst", "screening", "HQ", "s2")
    data = BatchData(
        ctx,
        {"document": ["A1", None, "C3"], "name": [None, "X Y", None]},
        3,
        {0: [["documents", "D1", "alarm"]]},
        {0},
        {2: "InvalidQuery"},
        {"limit": 2},
        3000,
        "v1",
        "hotlist x",
    )
    chunks: list[bytes] = []
    seq, _prev, n = batch_lines(HASHER, data, "T", "b1", 0, GENESIS, chunks)
    assert (seq, n) == (3, 3)
    lines = b"".join(chunks).split(b"\n")
    assert lines.pop() == b"" and len(lines) == 3
    prev = GENESIS
    for line in lines:
        entry = json.loads(line)
        s, p = entry.pop("seq"), entry.pop("prev")
        assert line == canonical_line(s, p, entry) and p == prev
        prev = hashlib.sha256(line).hexdigest()
    assert prev == _prev
    rows = [json.loads(x) for x in lines]
    assert [r["fields"] for r in rows] == [["document"], ["name"], ["document"]]
    assert rows[0]["alarm"] is True and rows[2]["error"] == "InvalidQuery"
    assert rows[0]["q"]["document"] == HASHER("document", "a 1")
    assert all(r["operator"] == operator for r in rows)
    assert [r["row"] for r in rows] == [0, 1, 2]


def test_utc_text() -> None:
    assert utc_text(1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123456Z"


@settings(max_examples=50, deadline=None)
@given(field=st.sampled_from(FIELDS), value=text_st)
def test_keyed_hash_is_hmac_sha256_of_the_normalised_value(field: str, value: str) -> None:
    import hmac

    from hotlist.audit._format import field_group, normalise_value

    msg = f"{field_group(field)}\x1f{normalise_value(field, value)}".encode()
    expected = hmac.new(b"h" * 32, msg, "sha256").hexdigest()[:32]
    assert HASHER(field, value) == expected
    assert HASHER(field, value) == expected  # memoised fields too

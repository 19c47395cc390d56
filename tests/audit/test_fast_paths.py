"""The audit log's fast paths write and read exactly what the plain forms do.

The writer hashes check_many columns in one loop, fills templates and chains rows
in a tight loop; ``verify`` compares the prefixes of all lines at once.  Each is
tested here against the one-entry-at-a-time reference, and a log written by an
earlier version (tests/audit/data/log-0.1, hotlist 0.1.0 before these paths)
still verifies, is searchable and takes new entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.audit import AuditLog, SessionContext, _chain, _entries, _verify, search, verify
from hotlist.audit._entries import BatchData, batch_lines, latency_text, latency_us
from hotlist.audit._format import GENESIS, KeyedHasher, dumps
from hotlist.audit._session import _options, _split

HASHER = KeyedHasher(b"f" * 32)
DATA = Path(__file__).parent / "data"
MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
FIELDS = ["document", "country", "mrz", "vin", "plate", "name", "dob", "sex", "nationality"]
values_st = st.one_of(
    st.none(),
    st.just(math.nan),
    st.text(max_size=12),
    st.sampled_from(["L898902C3", "l898 902-c3", "Müller, Jürgen", "FRA", "ß", MRZ]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=100, deadline=None)
@given(
    field=st.sampled_from([*FIELDS, "mrz.document", "document_type"]), values=st.lists(values_st)
)
def test_a_column_hashes_as_its_values_one_by_one(field: str, values: list[object]) -> None:
    expected = [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else HASHER(field, v)
        for v in values
    ]
    assert HASHER.column(field, values) == expected


def test_a_long_key_is_hashed_first_as_hmac_says() -> None:
    import hmac

    key = b"k" * 100
    assert (
        KeyedHasher(key)("document", "A1")
        == hmac.new(key, b"document\x1fA1", "sha256").hexdigest()[:32]
    )


@settings(max_examples=60, deadline=None)
@given(
    columns=st.dictionaries(st.sampled_from(FIELDS), st.just(None), min_size=1),
    rows=st.integers(0, 6),
    data=st.data(),
)
def test_batch_rows_are_the_reference_bytes(
    columns: dict[str, None], rows: int, data: st.DataObject
) -> None:
    filled = {name: [data.draw(values_st) for _ in range(rows)] for name in columns}
    hit_rows = data.draw(st.sets(st.integers(0, max(0, rows - 1)))) if rows else set()
    hits = {
        i: [["documents", f"D{i}", data.draw(st.sampled_from(["alarm", "possible"]))]]
        for i in hit_rows
    }
    alarms = {i for i, h in hits.items() if h[0][2] == "alarm"}
    errors = {i: "InvalidQuery" for i in data.draw(st.sets(st.integers(0, max(0, rows - 1))))}
    ctx = SessionContext("o%", data.draw(st.sampled_from(["analyst", "@@q@@"])), "p", "h", "s")
    batch = BatchData(ctx, filled, rows, hits, alarms, errors, {"limit": 3}, 12345, "v%s", "m")
    fast: list[bytes] = []
    with pytest.MonkeyPatch.context() as patch:  # rows formatted a block at a time
        patch.setattr(_entries, "_ROWS_AT_ONCE", data.draw(st.sampled_from([1, 2, 8192])))
        head = batch_lines(HASHER, batch, "T", "b-1", 41, GENESIS, fast)
    template = _entries._row_template(batch, "T", "b-1")
    plain: list[bytes] = []
    assert _entries._batch_lines_plain(HASHER, batch, template, 41, GENESIS, plain) == head
    assert b"".join(fast) == b"".join(plain)


@given(st.integers(0, 10**20))
def test_latency_text_is_the_json_of_latency_us(ns: int) -> None:
    assert latency_text(ns) == dumps(latency_us(ns))


def test_extra_fields_are_query_values_never_options() -> None:
    query, options = _split(
        {"document": "A1", "country": None, "limit": 2, "extra": {"serial": "S-1", "make": None}}
    )
    assert query == {"document": "A1", "serial": "S-1"}
    assert options == {"limit": 2}
    given = {"document": "A1", "country": None, "name_threshold": None, "extra": {"s": "1"}}
    assert _options(given, {"document": "A1", "s": "1"}) == {"name_threshold": None}


def _bulk_log(folder: Path, rows: int) -> None:
    log = AuditLog(folder, secret=b"s" * 32, checkpoint_every=10**9)
    ctx = SessionContext("o", "analyst", "p", "h", "s")
    docs: list[object] = [f"V{n:08d}" for n in range(rows)]
    log.record("batch", BatchData(ctx, {"document": docs}, rows, {}, set(), {}, {}, 1, "v", "m"))
    log.close()


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulk") / "audit"
    _bulk_log(folder, 12_000)  # open, rows 2..12001 (seq 9 -> 10 ... 9999 -> 10000), checkpoint
    return folder


@pytest.mark.parametrize(("chunk", "window"), [(1000, 4 << 20), (4096, 100_000), (1 << 16, 300)])
def test_verify_reads_across_chunks_windows_and_digit_counts(
    bulk: Path, chunk: int, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_chain, "_CHUNK", chunk)
    monkeypatch.setattr(_verify, "_WINDOW", window)  # 300: shorter than a line
    report = verify(bulk)
    assert report.ok and report.entries == 12_002, report.summary()


@pytest.mark.parametrize(("line", "at"), [(5000, "body"), (9998, "body"), (10_500, "seq")])
def test_an_edit_deep_in_a_long_segment_is_named_exactly(
    bulk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: int, at: str
) -> None:
    monkeypatch.setattr(_chain, "_CHUNK", 1000)
    monkeypatch.setattr(_verify, "_WINDOW", 1 << 20)
    folder = tmp_path / "audit"
    shutil.copytree(bulk, folder, ignore=shutil.ignore_patterns(".lock"))
    segment = folder / "audit-000001.log"
    lines = segment.read_bytes().split(b"\n")
    target = lines[line - 1]
    if at == "body":  # another row number: the next entry no longer links to it
        lines[line - 1] = target.replace(b'"row":', b'"row":1', 1)
    else:  # another sequence number: this entry is out of place
        lines[line - 1] = target.replace(b'{"seq":%d' % line, b'{"seq":%d' % (line + 1), 1)
    segment.write_bytes(b"\n".join(lines))
    report = verify(folder)
    assert not report.ok
    if at == "body":
        assert report.problem_line == line + 1 and report.problem_seq == line + 1
        assert "does not link" in (report.problem or "")
    else:
        assert report.problem_line == line and "expected" in (report.problem or "")


def test_the_links_agree_with_sha256_of_each_line(bulk: Path) -> None:
    data = (bulk / "audit-000001.log").read_bytes()
    lines = data.split(b"\n")[:-1]
    bad, head, others = _chain._chain_links(data, lines, 1, GENESIS.encode())
    assert bad is None and head == hashlib.sha256(lines[-1]).hexdigest().encode()
    assert others == [0, len(lines) - 1]  # the open entry and the closing checkpoint


def test_a_log_written_by_hotlist_0_1_still_verifies_and_grows(tmp_path: Path) -> None:
    public = (DATA / "log-0.1.public.key").read_bytes()
    folder = tmp_path / "audit"
    shutil.copytree(DATA / "log-0.1", folder)
    before = verify(folder, public_key=public)
    assert before.ok and before.entries == 11, before.summary()
    secret = b"fixture-secret-0123456789abcdef"
    found = search(folder, secret, document="X1234567")
    assert [h.alarm for h in found] == [True, True]  # a check and a check_many row
    assert found[0].decisions and found[0].decisions[0]["outcome"] == "confirmed"
    log = AuditLog(folder, secret=secret)
    assert log.keyed_hash("document", "x1234567") == found[0].entry["q"]["document"]
    log.record(
        "check",
        (SessionContext("o", "frontline", "p", "h", "s"), {"document": "N1"}, {}, [], False,
         0, 1000, "v", "m", None),
    )  # fmt: skip
    log.close()
    after = verify(folder)
    assert after.ok and after.entries == 14, after.summary()  # + open, check, checkpoint


def test_a_cut_tail_read_a_window_at_a_time_is_a_truncated_last_entry(
    bulk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_verify, "_WINDOW", 100_000)
    folder = tmp_path / "audit"
    shutil.copytree(bulk, folder, ignore=shutil.ignore_patterns(".lock"))
    segment = folder / "audit-000001.log"
    data = segment.read_bytes()
    segment.write_bytes(data[:-40])
    report = verify(folder)
    lines = data.count(b"\n")
    assert not report.ok and report.truncated
    assert (report.problem_line, report.problem_seq) == (lines, lines)

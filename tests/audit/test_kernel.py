"""The audit log's compiled kernel equals its pure-Python reference.

``hotlist.audit._hashkernel`` (optional, built from Cython) computes SHA-256
(portable C, or the CPU's SHA extensions), the keyed hashes of query values,
the lines of ``check_many`` rows and ``verify``'s link checks.  Each is tested
here against the pure code it replaces (hashlib, ``hmac``, ``KeyedHasher``,
``batch_lines`` and ``verify`` with the kernel off): the same bytes, and the
same first problem for any tampering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotlist.audit import AuditLog, SessionContext, _chain, _entries, _verify, verify
from hotlist.audit._entries import BatchData, batch_lines
from hotlist.audit._format import GENESIS, KeyedHasher, kernel_mode, utc_text

from .test_audit_log import _copy, _files, _tamper_lines, _write_log

kernel = pytest.importorskip("hotlist.audit._hashkernel")

HASHER = KeyedHasher(b"k" * 32)
MRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
FIELDS = ["document", "country", "vin", "plate", "name", "dob", "sex", "nationality", "mrz"]
ascii_text = st.text(st.characters(max_codepoint=127), max_size=80)
values_st = st.one_of(
    ascii_text,
    ascii_text,
    st.text(max_size=12),
    st.text(st.characters(max_codepoint=127), min_size=200, max_size=700),
    st.sampled_from(["", " ", "L898902C3", "l898 902-c3", "Müller, Jürgen", "ß", "ﬁ", MRZ]),
    st.none(),
    st.just(math.nan),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
    st.integers(-5, 10**12),
)


@pytest.fixture(autouse=True)
def compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel on (even under HOTLIST_PURE=1); each test turns it off for the reference."""
    monkeypatch.setattr(_chain, "COMPILED", True)


@pytest.fixture(params=[True, False], ids=["sha-ni", "portable"])
def sha_ni(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Both SHA-256 block functions (the portable one everywhere; SHA-NI where the CPU has it)."""
    before = kernel.sha_ni()
    got = kernel.sha_ni(request.param)
    if request.param and not got:
        kernel.sha_ni(before)
        pytest.skip("this CPU has no SHA extensions")
    yield got
    kernel.sha_ni(before)


FIXTURES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FIXTURES
@given(data=st.one_of(st.binary(max_size=300), st.binary(min_size=1000, max_size=5000)))
def test_sha256_is_hashlibs(sha_ni: bool, data: bytes) -> None:
    assert kernel.sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_sha256_at_every_padding_boundary(sha_ni: bool) -> None:
    for n in range(200):
        data = bytes(range(256))[:n] * 1
        assert kernel.sha256_hex(data) == hashlib.sha256(data).hexdigest(), n


@FIXTURES
@given(
    key=st.binary(min_size=16, max_size=100),
    field=st.sampled_from([*FIELDS[:-1], "document_type", "mrz.document", "serial"]),
    text=st.one_of(ascii_text, st.text(st.characters(max_codepoint=127), max_size=700)),
)
def test_keyed_hashes_are_the_hashers(sha_ni: bool, key: bytes, field: str, text: str) -> None:
    hasher = KeyedHasher(key)
    prefix, block = hasher.prefix(field), hasher.key_block()
    plain = hmac.new(key, prefix + text.encode(), "sha256").hexdigest()[:32]
    assert kernel.keyed_hash(block, prefix, text.encode()) == plain
    mode = kernel_mode(field)
    if mode is not None:  # the kernel's normalisation is the hasher's, for ASCII text
        assert kernel.keyed_hash(block, prefix, text.encode(), mode) == hasher(field, text)


@FIXTURES
@given(
    key=st.binary(min_size=16, max_size=100),
    field=st.sampled_from([*FIELDS, "document_type", "mrz.document", "serial"]),
    value=values_st.filter(lambda v: v is not None),
)
@pytest.mark.usefixtures("sha_ni")
def test_the_hasher_through_the_kernel_is_the_pure_one(
    key: bytes, field: str, value: object
) -> None:
    fast = KeyedHasher(key)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_chain, "COMPILED", False)
        pure = KeyedHasher(key)
        expected = pure(field, value), pure.query({field: value})
    assert (fast(field, value), fast.query({field: value})) == expected


@FIXTURES
@given(
    columns=st.lists(st.sampled_from(FIELDS), min_size=0, max_size=3, unique=True),
    rows=st.integers(0, 9),
    seq=st.sampled_from([0, 5, 9, 97, 998, 99_995, 10**12 - 3]),
    at_once=st.sampled_from([1, 2, 3, 65536]),
    data=st.data(),
)
@pytest.mark.usefixtures("sha_ni")
def test_batch_lines_are_the_pure_bytes(
    columns: list[str],
    rows: int,
    seq: int,
    at_once: int,
    data: st.DataObject,
) -> None:
    filled = {name: [data.draw(values_st) for _ in range(rows)] for name in columns}
    some_rows = st.sets(st.integers(0, max(0, rows - 1))) if rows else st.just(set[int]())
    hits = {
        i: [["documents", f"D{i}", data.draw(st.sampled_from(["alarm", "possible"]))]]
        for i in data.draw(some_rows)
    }
    alarms = {i for i, h in hits.items() if h[0][2] == "alarm"}
    errors = {i: "InvalidQuery" for i in data.draw(some_rows)}
    ctx = SessionContext(data.draw(st.text(max_size=8)), "analyst", "p%s", "Zoë", "s")
    batch = BatchData(ctx, filled, rows, hits, alarms, errors, {"limit": 3}, 12345, "v", "m")
    prev = data.draw(st.sampled_from([GENESIS, hashlib.sha256(b"x").hexdigest()]))
    fast: list[bytes] = []
    pure: list[bytes] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_entries, "_KERNEL_ROWS", at_once)
        head = batch_lines(HASHER, batch, "T", "b-1", seq, prev, fast)
        patch.setattr(_chain, "COMPILED", False)
        assert batch_lines(HASHER, batch, "T", "b-1", seq, prev, pure) == head
    assert b"".join(fast) == b"".join(pure)


def test_a_row_line_by_hand() -> None:
    assert _chain.BUILT
    lines, seq, prev = kernel.rows(
        HASHER.key_block(), [HASHER.prefix("document")], [0], [["ab 1"]],
        [b'"q":"', b'","row":', b"}"], [], bytes, 0, 1, 0, GENESIS,
    )  # fmt: skip
    line = b'{"seq":1,"prev":"%s","q":"%s","row":0}' % (
        GENESIS.encode(),
        HASHER("document", "AB1").encode(),
    )
    assert lines == line + b"\n" and seq == 1 and prev == hashlib.sha256(line).hexdigest()


@pytest.mark.parametrize("kernel_on", [True, False], ids=["kernel", "pure"])
def test_the_writer_writes_the_batch_lines_block_by_block(tmp_path: Path, kernel_on: bool) -> None:
    rows = 1300  # three kernel blocks of 512 rows, the last one short
    docs: list[object] = [f"D{n:06d}" if n % 97 else "Müller 1" for n in range(rows)]
    data = BatchData(
        SessionContext("o", "analyst", "p", "h", "s"),
        {"document": docs},
        rows,
        {5: [["documents", "R5", "alarm"]]},
        {5},
        {7: "InvalidQuery"},
        {},
        1000,
        "v",
        "m",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_chain, "COMPILED", kernel_on)
        log = AuditLog(tmp_path / "audit", secret=b"s" * 32, sync="entry")
        item = log.written(log.record("batch", data))
        log.close()
        lines = (tmp_path / "audit" / "audit-000001.log").read_bytes().split(b"\n")
        before = lines[item.seq - 2]
        expected: list[bytes] = []
        head = batch_lines(
            log.hasher, data, utc_text(item.t_ns), item.id, item.seq - 1,
            hashlib.sha256(before).hexdigest(), expected,
        )  # fmt: skip
    written = b"".join(x + b"\n" for x in lines[item.seq - 1 : item.seq - 1 + rows])
    assert written == b"".join(expected)
    assert head == (item.seq + rows - 1, item.hash, rows)
    assert verify(tmp_path / "audit").ok


# -- verify: the same report, kernel or not, for any tampering ---------------------------


@pytest.fixture(scope="module")
def written(keys: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kernel") / "audit"
    _write_log(folder, keys[0], checks=12, segment_bytes=4000)
    return folder


def _both(folder: Path, window: int) -> tuple[dict[str, object], dict[str, object]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_verify, "_WINDOW", window)
        fast = dataclasses.asdict(verify(folder))
        patch.setattr(_chain, "COMPILED", False)
        pure = dataclasses.asdict(verify(folder))
    return fast, pure


@FIXTURES
@given(
    op=st.sampled_from(["byte", "delete", "duplicate", "move", "truncate", "none"]),
    window=st.sampled_from([300, 2000, 4 << 20]),
    data=st.data(),
)
def test_verify_names_the_same_first_problem(
    written: Path, sha_ni: bool, op: str, window: int, data: st.DataObject
) -> None:
    folder = _copy(written)
    if op in ("byte", "truncate"):
        path = data.draw(st.sampled_from(_files(folder)[:-1]))
        raw = bytearray(path.read_bytes())
        pos = data.draw(st.integers(0, len(raw) - 1))
        if op == "byte":
            raw[pos] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[pos]))
        else:
            del raw[pos:]
        path.write_bytes(bytes(raw))
    elif op != "none":
        _tamper_lines(folder, op, data)
    fast, pure = _both(folder, window)
    assert fast == pure
    assert fast["ok"] == (op == "none")
    shutil.rmtree(folder.parent)

from typing import Any

def crc32_rows(offsets: Any, data: Any, rows: Any, out: Any, marks: Any = None) -> None: ...
def split_entries(pairs: Any, shift: int, rows: Any, fp: Any, directory: Any) -> None: ...
def class_rows(
    offsets: Any, data: Any, allowed: Any, shortest: int, longest: int, out: Any
) -> None: ...
def edge_rows(offsets: Any, data: Any, allowed: Any, valid: Any) -> int: ...
def lookup_pairs(
    offsets: Any,
    data: Any,
    valid: Any,
    directory: Any,
    fp: Any,
    rows: Any,
    shift: int,
    key_offsets: Any,
    key_data: Any,
) -> tuple[Any, Any]: ...
def map_keys(
    offsets: Any,
    data: Any,
    kind: Any,
    first: Any,
    second: Any,
    shortest: int,
    longest: int,
    raw_longest: int,
    out_offsets: Any,
    out_first: Any,
    out_second: Any,
    ok: Any,
) -> int: ...
def short_codes(offsets: Any, data: Any, valid: Any, out: Any) -> list[bytes] | None: ...
def members_of(
    offsets: Any, data: Any, valid: Any, set_offsets: Any, set_data: Any
) -> tuple[Any, Any]: ...
def members_of_chunks(chunks: list[Any], set_offsets: Any, set_data: Any) -> tuple[Any, Any]: ...

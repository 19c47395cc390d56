from typing import Any

KEY_BITS_FROM: int
ROWS_ENTRY: Any

class OneEdit:
    def __init__(
        self,
        directory: Any,
        fp: Any,
        rows: Any,
        offsets: Any,
        data: Any,
        alphabet: Any,
        position_alphabet: Any,
        max_length: int,
        shift: int,
    ) -> None: ...
    def search(self, key: bytes, probe: Any = None) -> list[int]: ...
    def make_key_bits(self) -> None: ...
    def seed_bits(
        self, old: OneEdit, added: Any, deleted: int, background: bool = True
    ) -> None: ...
    @property
    def rows_entry(self) -> Any: ...
    @property
    def has_key_bits(self) -> bool: ...
    @property
    def stale_keys(self) -> int: ...

def merge_entries(
    directory: Any,
    fp: Any,
    rows: Any,
    deleted: Any,
    blocks: Any,
    new_hash: Any,
    new_rows: Any,
    shift: int,
    out_dir: Any,
    out_fp: Any,
    out_rows: Any,
    dropped: Any,
) -> int: ...

class RowPrefetch:
    def __init__(self, fixed: Any, strings: Any) -> None: ...
    def __call__(self, rows: list[int]) -> None: ...

from collections.abc import Callable

def sha_ni(want: bool | None = None) -> bool: ...
def sha256_hex(data: bytes) -> str: ...

class Keyer:
    def __init__(self, block: bytes, prefix: bytes) -> None: ...
    def __call__(self, text: bytes) -> str: ...

def keyed_hash(block: bytes, prefix: bytes, text: bytes, mode: int = 2) -> str: ...
def rows(
    block: bytes,
    prefixes: list[bytes],
    modes: list[int],
    columns: list[list[object]],
    pieces: list[bytes],
    special: list[int],
    rest_of: Callable[[int], bytes],
    row0: int,
    n: int,
    seq: int,
    prev: str,
) -> tuple[bytes, int, str]: ...
def link_lines(
    data: bytes, end: int, first_seq: int, prev: bytes
) -> tuple[int, int, bytes, list[tuple[int, int, int]]]: ...

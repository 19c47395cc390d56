from typing import Any

def add_keys(words: Any, offsets: Any, data: Any, rows: Any = None) -> None: ...
def maybe_near(words: Any, key: bytes) -> bool: ...
def variant_hashes(key: bytes) -> list[int]: ...
def filters_changed() -> None: ...
def generation() -> int: ...

class Probe:
    def __init__(
        self,
        directory: Any,
        fp: Any,
        rows: Any,
        offsets: Any,
        data: Any,
        words: Any,
        shift: int,
        alphabet: bytes = b"",
    ) -> None: ...
    @property
    def filtered(self) -> bool: ...
    def near(self, key: bytes) -> bool: ...
    def near_exact(self, key: bytes) -> bool: ...
    def near_exact_many(self, offsets: Any, data: Any, out: Any, ahead: int = 4) -> None: ...
    def contains(self, key: bytes) -> bool: ...

class DocumentMiss:
    def __init__(
        self, compact_map: bytes, ocr_map: bytes, delete: bytes, max_length: int, limit: int
    ) -> None: ...
    def key(self, document: object) -> str | None: ...
    def miss(self, document: object, documents: object, persons: object, tolerant: int) -> bool: ...
    def configure(
        self,
        result_cls: type,
        issuers: dict[str, str],
        context: Any,
        defaults: tuple[Any, ...],
        weak: bool = False,
        unknown: frozenset[str] = ...,
        hits: DocumentHits | None = None,
    ) -> None: ...
    def check(
        self,
        state: object,
        document: object,
        country: object,
        document_type: object,
        limit: object,
        min_score: object,
        max_edits: object,
        name_threshold: object,
    ) -> Any: ...

class DocumentHits:
    def __init__(
        self,
        compact_map: bytes,
        ocr_map: bytes,
        plain_delete: bytes,
        delete: bytes,
        hit_cls: type,
        kind_actions: Any,
        swaps: Any,
    ) -> None: ...
    def bind(self, ctx: tuple[Any, ...] | None) -> None: ...

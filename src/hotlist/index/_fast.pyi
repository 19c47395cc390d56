from typing import Any

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
    def search(self, key: bytes) -> list[int]: ...

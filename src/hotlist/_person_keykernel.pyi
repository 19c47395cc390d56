from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

def configure(
    rules: Iterable[tuple[str, str]],
    particles: Iterable[str],
    articles: Iterable[str],
    keys: int,
    spelled: Iterable[tuple[str, str]] = (),
) -> None: ...
def phonetic_key(token: bytes, spelled: bool = False) -> bytes: ...
def entry_key_pairs(
    data: npt.NDArray[np.uint8],
    offsets: npt.NDArray[np.int64],
    which: npt.NDArray[np.int64],
    years: npt.NDArray[np.int64],
    months: npt.NDArray[np.int64],
    days: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.uint64]] | None: ...
def normalize_ascii(
    data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.bool_]]: ...

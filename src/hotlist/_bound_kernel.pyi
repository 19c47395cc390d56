from collections.abc import Callable

import numpy as np

def osa(a: str, b: str, cutoff: int) -> int: ...
def osa_near(a: str, b: str, cutoff: int) -> int: ...
def partial_reaches(a: str, b: str, partial: Callable[..., float], cutoff: float) -> bool: ...
def gather(
    offsets: np.ndarray, part_ids: np.ndarray, entries: np.ndarray, slot: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
def long_parts(
    toks: list[str],
    variants: np.ndarray,
    romans: np.ndarray,
    ids: np.ndarray,
    sizes: np.ndarray,
    letters: np.ndarray,
    codes: np.ndarray,
    qfold: np.ndarray,
    qkeys: np.ndarray,
    qskel: np.ndarray,
    targets: list[str],
    tvariants: list[str],
    tletters: np.ndarray,
    n_long: int,
    qroman_codes: np.ndarray,
    qroman: list[str],
    partial: Callable[..., float] | None,
    cutoff: float,
) -> tuple[np.ndarray, np.ndarray]: ...
def long_values(
    same: np.ndarray,
    possible: np.ndarray,
    ids: np.ndarray,
    first: np.ndarray,
    log_tf: np.ndarray,
    one_letter: np.ndarray,
    exact_bits: float,
    aligned_bits: float,
    joined_bits: float,
    initial_bits: float,
    left_over: float,
) -> np.ndarray: ...
def name_sums(
    parent: np.ndarray,
    indices: np.ndarray,
    part: np.ndarray,
    agrees: np.ndarray,
    size: np.ndarray,
    count: np.ndarray,
    spans: np.ndarray,
    asked: float,
    unmatched: float,
    max_tokens: int,
    max_length: int,
    same_too: bool,
    family: np.ndarray,
    particle: np.ndarray,
    gain: float,
    demote: np.ndarray,
    qsizes: np.ndarray,
    left_over: float,
) -> tuple[np.ndarray, np.ndarray]: ...
def dob_bound(
    year: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    owner: np.ndarray,
    qy: int,
    qm: int,
    qd: int,
    same_year: float,
    near: float,
    differs: float,
    two_years: float,
    one_year: float,
    one_digit: float,
    swapped: float,
    exact: float,
) -> np.ndarray: ...
def listed_joins_exact(
    parent: np.ndarray,
    indices: np.ndarray,
    count: np.ndarray,
    asked: np.ndarray,
    parts: list[str],
    sizes: np.ndarray,
    query_toks: tuple[str, ...],
    token_sim: Callable[[str, str], tuple[float, int]],
    floor: float,
) -> np.ndarray: ...
def span_joins(
    toks: list[str],
    sizes: np.ndarray,
    asked: np.ndarray,
    span_texts: tuple[str, ...],
    span_sizes: np.ndarray,
    token_sim: Callable[[str, str], tuple[float, int]],
    floor: float,
) -> np.ndarray: ...

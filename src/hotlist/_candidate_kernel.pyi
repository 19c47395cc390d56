import numpy as np

def ranked(
    postings: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    weights: np.ndarray,
    scratch: np.ndarray,
    entry_dob: np.ndarray,
    mode: int,
    qb: int,
    swapped: int,
    qyear: int,
    near_years: np.ndarray,
    same_year: float,
    differs: float,
    values: np.ndarray,
    level_bits: np.ndarray,
    weight: float,
    limit: int,
) -> tuple[np.ndarray, int]: ...

"""duplicate_mask's membership test of repeated CRC-32s (``_canonical._among``)
equals ``np.isin`` on inputs large enough for its table."""

from __future__ import annotations

import numpy as np
import pytest

from hotlist.extracts._canonical import _among


@pytest.mark.parametrize("seed", [1, 2])
def test_among_equals_isin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = (1 << 22) + 5
    # small hash space: many repeats, and many near misses sharing the top 24 bits
    h = rng.integers(0, 1 << 27, size=n, dtype=np.uint64).astype(np.uint32)
    h[: n // 3] |= np.uint32(0xF0000000)
    hs = np.sort(h)
    repeated = hs[1:][hs[1:] == hs[:-1]]
    got = _among(h, repeated)
    assert got.dtype == bool
    assert np.array_equal(got, np.isin(h, repeated))
    assert np.array_equal(_among(h, repeated[:0]), np.zeros(n, dtype=bool))

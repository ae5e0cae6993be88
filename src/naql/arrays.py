"""Array helpers the stages share: where runs change, runs of a mask, membership in a sorted
array, integer sorts by value."""

from __future__ import annotations

import numpy as np


def changes(values: np.ndarray) -> np.ndarray:
    """Per position: does ``values`` differ from the one before (the first always does).
    np.r_[True, ...] cost a tenth of the aligner's time in its Python indexing machinery."""
    out = np.empty(len(values), dtype=bool)
    if len(values):
        out[0] = True
        np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


def found_in(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Per value: is it in ``ordered`` (sorted ascending)? One binary search each, where
    ``np.isin`` sorts both again."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (exclusive) of the runs of True in ``mask``."""
    padded = np.zeros(len(mask) + 2, dtype=np.int8)
    padded[1:-1] = mask
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for integer keys, sorting values instead of indices
    where each key and its index fit in 63 bits together: numpy sorts an int64 array's values
    with SIMD, its indices not (0.11 s against 0.58 s for ExAra's 5 M seeds)."""
    count = len(keys)
    if not count:
        return np.zeros(0, dtype=np.int64)
    low, high = int(keys.min()), int(keys.max())
    shift = max(count - 1, 1).bit_length()
    if (high - low).bit_length() + shift > 63:
        return np.argsort(keys, kind="stable")
    packed = np.subtract(keys, low, dtype=np.int64)
    packed <<= shift
    packed |= np.arange(count, dtype=np.int64)
    packed.sort()
    packed &= (1 << shift) - 1
    return packed

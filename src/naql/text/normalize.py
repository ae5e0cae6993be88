"""Normalisation with numpy, keeping for every output character the offset it came from."""

from __future__ import annotations

import functools

import numpy as np

from naql.text import chars


def code_points(text: str) -> np.ndarray:
    # UTF-32 gives one uint32 per Python str index, so array positions ARE string offsets.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_code_points(codes: np.ndarray) -> str:
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def normalize_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """The normalised text and, for each of its characters, the offset it came from in ``text``."""
    codes, origin, _ = normalized_codes(text)
    return from_code_points(codes), origin


def normalized_codes(text: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """The normalised text's code points, the offset each came from in ``text``, and whether
    all are in the Basic Multilingual Plane (they are when the text's are: the tables map
    into it).

    Nearly every text is all in the Basic Multilingual Plane and has no character to delete:
    those take plain table lookups, with no masks or copies (a third of the tokeniser's time
    on SaudiNewsNet went to them)."""
    mapping, _, expansions = chars.tables()
    codes = code_points(text)
    in_plane = not len(codes) or int(codes.max()) < chars.BMP
    if in_plane:
        mapped = mapping[codes]
        expands = bool(expansions) and bool(chars.expanding()[codes].any())
    else:
        in_bmp = codes < chars.BMP
        mapped = codes.copy()
        mapped[in_bmp] = mapping[codes[in_bmp]]
        expands = bool(expansions) and bool(chars.expanding()[codes[in_bmp]].any())
    if expands:
        return (*_expand(codes, mapped, in_plane), in_plane)
    keep = np.flatnonzero(mapped != chars.DELETE)
    return (mapped if len(keep) == len(mapped) else mapped[keep]), keep, in_plane


def _expand(codes: np.ndarray, mapped: np.ndarray, in_plane: bool) -> tuple[np.ndarray, np.ndarray]:
    """Normalisation of a text holding a ligature such as «ﻻ» (one character, two letters):
    each character gives 0, 1 or its expansion's length of characters, all pointing back to
    it. Ligatures are rare (176 of SaudiNewsNet's 30,676 texts), so the text is mapped as
    usual and only their few places are filled in afterwards."""
    slot_of, pieces, piece_lengths = _expansion_table()
    if in_plane:
        expanding = chars.expanding()[codes]
    else:
        in_bmp = codes < chars.BMP
        expanding = chars.expanding()[np.where(in_bmp, codes, 0)] & in_bmp
    where = np.flatnonzero(expanding)
    slots = slot_of[codes[where]]
    lengths = piece_lengths[slots]
    # Every kept character once, each ligature once more per extra character, none if empty.
    origin = np.flatnonzero((mapped != chars.DELETE) | expanding)
    extra = np.maximum(lengths - 1, 0)
    origin = np.insert(
        origin, np.searchsorted(origin, np.repeat(where, extra)), np.repeat(where, extra)
    )
    origin = np.delete(origin, np.searchsorted(origin, where[lengths == 0]))
    out = mapped[origin]
    first = np.searchsorted(origin, where)  # where each expansion's characters go
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[np.repeat(first, lengths) + within] = pieces[np.repeat(slots, lengths), within]
    return out.astype(np.uint32, copy=False), origin


@functools.lru_cache(maxsize=1)
def _expansion_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(slot per BMP code point or -1, each expansion's code points, its length)."""
    expansions = chars.tables()[2]
    slot_of = np.full(chars.BMP, -1, dtype=np.int64)
    width = max((len(piece) for piece in expansions.values()), default=1)
    pieces = np.zeros((max(len(expansions), 1), width), dtype=np.uint32)
    lengths = np.zeros(max(len(expansions), 1), dtype=np.int64)
    for slot, (code, piece) in enumerate(sorted(expansions.items())):
        slot_of[code] = slot
        pieces[slot, : len(piece)] = [ord(char) for char in piece]
        lengths[slot] = len(piece)
    return slot_of, pieces, lengths


def normalize(text: str) -> str:
    """Arabic orthographic normalisation plus casefolding (see :mod:`naql.text.arabic`).

    The same character map as :func:`normalize_with_offsets`, through ``str.translate``: with
    no offsets to keep, a short string (a tail, a name, a cue) costs a microsecond, not the
    array set-up's fifty."""
    return text.translate(_translation())


@functools.lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    """``str.translate``'s table for :func:`normalize`: every BMP character normalisation
    changes, to its normal form ("" when deleted)."""
    mapping, _, expansions = chars.tables()
    table: dict[int, str] = {
        int(code): ("" if mapping[code] == chars.DELETE else chr(int(mapping[code])))
        # NUL maps to itself in the table, where it means "delete".
        for code in np.flatnonzero(
            (mapping != np.arange(chars.BMP, dtype=mapping.dtype)) | (mapping == chars.DELETE)
        )
    }
    table.update(expansions)
    return table

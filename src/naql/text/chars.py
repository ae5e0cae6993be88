"""Character tables shared by every script: one vectorised lookup instead of per-character Python.

Normalisation in naql maps each input character to at most one output character (or deletes
it). That restriction is what lets a numpy lookup table normalise a whole document at C speed
while an index array keeps, for every output character, its position in the ORIGINAL text.
The rare characters whose normal form is longer (Arabic presentation-form ligatures such as
U+FEFB «ﻻ») take a second lookup, in an expansion table, only in the documents that contain
them (``naql.text.normalize._expand``).
"""

from __future__ import annotations

import functools
import unicodedata

import numpy as np

from naql.text import arabic, latin

SPACE = 0x20
DELETE = 0  # a table value of 0 deletes the character (NUL itself is never text)
BMP = 0x10000


@functools.lru_cache(maxsize=1)
def tables() -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """(map, is_word, expansions) over the Basic Multilingual Plane.

    Built lazily: one pass over the BMP's 65,536 code points (~60 ms, once per process).
    ``map[c]`` is the normalised code point (0 = delete), ``is_word[c]`` says whether the
    normalised character belongs to a token, ``expansions`` holds the characters whose normal
    form is longer than one character.
    """
    mapping = np.arange(BMP, dtype=np.uint32)
    is_word = np.zeros(BMP, dtype=bool)
    expansions: dict[int, str] = {}
    for code in range(BMP):
        char = chr(code)
        category = unicodedata.category(char)
        if category[0] in "LN":
            is_word[code] = True
        elif category == "Mn" or category == "Mc":
            # Combining marks stay inside the token they decorate (Latin accents in NFD text);
            # the Arabic ones are deleted below, before tokenisation sees them.
            is_word[code] = True
        elif category in ("Cc", "Zs", "Zl", "Zp") and char not in "\n\t\r":
            mapping[code] = SPACE
    latin.fill_tables(mapping, expansions)
    arabic.fill_tables(mapping, expansions)
    mapping[0] = DELETE
    # Close the table under itself so that normalising twice changes nothing (idempotence):
    # a presentation form maps to a letter that another rule maps on, and so on.
    while True:
        closed = np.where(mapping < BMP, mapping[np.minimum(mapping, BMP - 1)], mapping)
        if np.array_equal(closed, mapping):
            break
        mapping = closed
    for code, text in list(expansions.items()):
        expansions[code] = "".join(
            chr(mapping[ord(ch)]) if ord(ch) < BMP else ch
            for ch in text
            if mapping[ord(ch)] != DELETE
        )
    # Word-ness is a property of the normalised character: «٣» becomes «3», a word character.
    is_word_after = is_word[np.minimum(mapping, BMP - 1)] & (mapping != DELETE)
    return mapping, is_word_after, expansions


@functools.lru_cache(maxsize=1)
def expanding() -> np.ndarray:
    """Which BMP code points normalise to more than one character (they take the slow path)."""
    flags = np.zeros(BMP, dtype=bool)
    flags[list(tables()[2])] = True
    return flags


def astral_word(codes: np.ndarray) -> np.ndarray:
    """Word-ness for code points beyond the BMP (rare: old scripts, emoji), computed on demand."""
    return np.fromiter(
        (unicodedata.category(chr(int(code)))[0] in "LN" for code in codes),
        dtype=bool,
        count=len(codes),
    )

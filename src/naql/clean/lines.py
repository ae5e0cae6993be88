"""A page as lines: each non-blank line's span in the page text, its word count and its key.

Keys are what the rules compare: the line normalised with :func:`naql.text.normalize` (alef forms,
taa marbuta, diacritics, punctuation, case) and its blanks collapsed, so «اقرأ أيضاً:» and
«اقرا ايضا :» meet. Short lines are normalised together, one numpy call per ~100,000 characters
of the whole batch, not one call per line. Long lines (body paragraphs) are never chrome, never
captions, never headlines: they only need a key to spot a line echoed twice in a row, so theirs
is the line itself, and they skip the per-line work (stripping, counting words) altogether.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from naql.text import chars, normalize

# Characters of short lines normalised per numpy call: big enough that the call's fixed cost
# (~20 µs) vanishes, small enough that the rare slow path (a document with a ligature such as «ﻻ»
# goes character by character) stays bounded.
_CHUNK = 100_000
# A line of more characters than this is long: 25 words (the largest word limit of any rule)
# of average Arabic length take ~150. Counting words exactly (str.split on a whole paragraph) was
# most of the cost of cutting a page into lines, so a long line's count is estimated instead
# (one word per five characters, always above every rule's limit).
LONG_CHARS = 300
_SPACES = re.compile(" {2,}")


@functools.lru_cache(maxsize=1)
def _ligatures() -> re.Pattern[str]:
    """Characters whose normal form is longer than one character (presentation-form ligatures):
    a batch holding one takes normalisation's per-character path, so such lines go alone."""
    _, _, expansions = chars.tables()
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(expansions)) + "]")


@dataclass(slots=True)
class Line:
    """One non-blank line of a page: ``[start, end)`` bounds it in the page text (for a short
    line, without its surrounding blanks)."""

    start: int
    end: int
    text: str
    words: int  # blank-separated words (estimated for long lines)
    key: str = ""  # normalised, blanks collapsed; "" when nothing is left (a lone direction mark)
    long: bool = False  # body text: over LONG_CHARS characters or over the rules' word limits


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` (split at ``\\n`` only), in order."""
    lines: list[Line] = []
    append, new, limit = lines.append, Line, LONG_CHARS
    position = 0
    for piece in text.split("\n"):
        size = len(piece)
        if size > limit:
            if not piece.isspace():
                append(new(position, position + size, piece, size // 5, piece, True))
        elif size:
            stripped = piece.strip()
            if stripped:
                # The first occurrence of the stripped line is where it starts: it begins with a
                # non-blank character, so no earlier match can start inside the leading blanks.
                start = position + (piece.find(stripped) if stripped is not piece else 0)
                append(new(start, start + len(stripped), stripped, len(stripped.split())))
        position += size + 1
    return lines


def fill_keys(pages: Sequence[Sequence[Line]], short_words: int) -> None:
    """Give every line of at most ``short_words`` words its normalised key; the others are long
    (body text no rule looks at) and keep the line itself as their key."""
    short = []
    for lines in pages:
        for line in lines:
            if line.long:
                continue
            if line.words > short_words:
                line.long = True
                line.key = line.text
            else:
                short.append(line)
    start = 0
    while start < len(short):
        size, end = 0, start
        while end < len(short) and (size < _CHUNK or end == start):
            size += len(short[end].text) + 1
            end += 1
        _fold_batch(short[start:end])
        start = end


def _fold_batch(batch: list[Line]) -> None:
    joined = "\n".join(line.text for line in batch)
    ligatures = list(_ligatures().finditer(joined))
    if ligatures:
        # Those lines alone go through normalisation's per-character path.
        ends = list(accumulate(len(line.text) + 1 for line in batch))
        odd = {bisect_right(ends, found.start()) for found in ligatures}
        for index in odd:
            batch[index].key = " ".join(normalize(batch[index].text).split())
        batch = [line for index, line in enumerate(batch) if index not in odd]
        joined = "\n".join(line.text for line in batch)
    if not batch:
        return
    # Normalisation maps no character to "\n" and keeps "\n" itself, so the joined batch splits
    # back into exactly its lines; blanks are collapsed on the whole batch at once.
    # After normalisation the only blanks left are space, tab, CR and LF (every other control or
    # space character became a space).
    spaced = _SPACES.sub(" ", normalize(joined).replace("\t", " ").replace("\r", " "))
    folded = spaced.replace("\n ", "\n").replace(" \n", "\n").strip(" ").split("\n")
    if len(folded) != len(batch):  # cannot happen with the current tables; stay correct anyway
        folded = [" ".join(normalize(line.text).split()) for line in batch]
    for line, key in zip(batch, folded):
        line.key = key

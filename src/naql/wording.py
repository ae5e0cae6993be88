"""What a passage's shared wording is: how many phrases its two sides share, whether its
words kept their order (``verbatim``, ``edited``, ``shuffled``), whether its figures agree.

The aligner (:mod:`naql.align`) finds where two texts match; these tests say what the match
is worth: a formulaic title in no order is not reuse, a list of the same names in sentences of
each report's own is not shared text, a formula whose figures all differ is another event's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz.distance import Indel

from naql.arrays import found_in
from naql.text import Tokens

if TYPE_CHECKING:  # align imports this module's tests for its filter
    from naql.align import TokenPassage

# Two successive content stems as one key (stem ids are int32).
PHRASE_BASE = 1 << 31


def shared_phrases(a: Tokens, b: Tokens, passage: TokenPassage) -> int:
    """Distinct phrases the two sides of a passage share: maximal runs of consecutive content
    words found together on the other side, counted on the side with fewer.

    Chance overlap between two reports of one topic is names, titles and stock phrases, in no
    order; reuse keeps many phrases. A formulaic title («قائد الجيش الوطني الليبي المشير خليفة
    حفتر») is ONE phrase however long, so three or four set phrases never pass for reuse. A
    passage of middling density must share ``min_phrases`` of them; only a dense one (most
    words of each side found on the other) may do without (shuffled copies).
    """
    bigrams_a = _bigrams(a, passage.i0, passage.i1)
    bigrams_b = _bigrams(b, passage.j0, passage.j1)
    shared = np.intersect1d(bigrams_a, bigrams_b)
    return min(_runs(np.isin(bigrams_a, shared)), _runs(np.isin(bigrams_b, shared)))


_KEY_LIMIT = 2**63


def phrase_shares(
    left: Sequence[Tokens],
    right: Sequence[Tokens],
    passages: Sequence[TokenPassage],
    batch: int = 4096,
) -> np.ndarray:
    """Per passage, the share of each side's phrases (two successive content words) that the
    other side has too, the smaller of the two (0 when a side has none).

    A text taken and reordered keeps its sentences, and so its phrases, whatever it moved; two
    reports that list the same teams, regions or people in sentences of their own match word
    for word as densely, in no order, and share few phrases (a qualifying draw's pots against
    its groups: 6 % of them). ``batch`` passages at a time: each phrase is keyed by its
    passage, so one sort of each side's keys answers every passage's look-ups, and the arrays
    stay a few megabytes however many passages there are."""
    shares = np.zeros(len(passages))
    for first in range(0, len(passages), batch):
        chunk = passages[first : first + batch]
        stems_a, owners_a = _passage_stems(left, [(p.left, p.i0, p.i1) for p in chunk])
        stems_b, owners_b = _passage_stems(right, [(p.right, p.j0, p.j1) for p in chunk])
        width = int(max(stems_a.max(initial=0), stems_b.max(initial=0))) + 1
        if len(chunk) * width * width >= _KEY_LIMIT:
            # A key is (passage, stem, next stem) in one int64: past tens of millions of stems,
            # the batch's own stems are numbered instead.
            _, ranks = np.unique(np.concatenate([stems_a, stems_b]), return_inverse=True)
            stems_a, stems_b = ranks[: len(stems_a)], ranks[len(stems_a) :]
            width = int(ranks.max(initial=0)) + 1
        keys_a = _phrase_keys(stems_a, owners_a, width)
        keys_b = _phrase_keys(stems_b, owners_b, width)
        shares[first : first + len(chunk)] = np.minimum(
            _found_share(keys_a, keys_b, len(chunk), width),
            _found_share(keys_b, keys_a, len(chunk), width),
        )
    return shares


def _passage_stems(
    docs: Sequence[Tokens], ranges: Sequence[tuple[int, int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """The content stems inside each range ``(doc, start, end)`` (inclusive), one after the
    other, and the index of the range each belongs to."""
    stems = [np.zeros(0, dtype=np.int32)]
    for doc, start, end in ranges:
        window = slice(start, end + 1)
        stems.append(docs[doc].ids[window][~docs[doc].stop[window]])
    owners = np.repeat(np.arange(len(stems) - 1), [len(part) for part in stems[1:]])
    return np.concatenate(stems).astype(np.int64), owners


def _phrase_keys(stems: np.ndarray, owners: np.ndarray, width: int) -> np.ndarray:
    """Each passage's phrases as keys (passage, stem, next stem)."""
    inside = owners[1:] == owners[:-1]
    return ((owners[1:] * width + stems[:-1]) * width + stems[1:])[inside]


def _found_share(keys: np.ndarray, other: np.ndarray, count: int, width: int) -> np.ndarray:
    """Per passage (``count`` of them), the share of its ``keys`` that ``other`` holds."""
    found = found_in(keys, np.sort(other))
    owners = keys // (width * width)
    total = np.bincount(owners, minlength=count)
    return np.bincount(owners, weights=found, minlength=count) / np.maximum(total, 1)


def _runs(flags: np.ndarray) -> int:
    """Number of maximal runs of True."""
    if not len(flags):
        return 0
    return int(flags[0]) + int((flags[1:] & ~flags[:-1]).sum())


def _bigrams(doc: Tokens, start: int, end: int) -> np.ndarray:
    window = slice(start, end + 1)
    stems = doc.ids[window][~doc.stop[window]].astype(np.int64)
    return stems[:-1] * PHRASE_BASE + stems[1:]


def reuse_kind(a: Tokens, b: Tokens, passage: TokenPassage) -> tuple[str, float]:
    """``verbatim``, ``edited`` or ``shuffled``, and the ordered similarity that decided it.

    Ordered similarity is rapidfuzz's Indel (LCS-based) similarity of the two stem sequences;
    a copy whose words match but whose order does not is shuffled.
    """
    sa = a.ids[passage.i0 : passage.i1 + 1].tolist()
    sb = b.ids[passage.j0 : passage.j1 + 1].tolist()
    ordered = Indel.normalized_similarity(sa, sb)
    if ordered >= 0.97:
        return "verbatim", ordered
    if ordered >= max(0.5, passage.density * 0.75):
        return "edited", ordered
    return "shuffled", ordered


MIN_FIGURES = 3  # figures each side must hold in its shared text before they can disagree


def figures_disagree(
    a: Tokens,
    b: Tokens,
    passages: Sequence[TokenPassage],
    is_number: np.ndarray,
    stems: Sequence[str],
) -> tuple[int, int] | None:
    """(agreeing, compared) figures when the shared wording carries mostly DIFFERENT figures.

    A copy keeps its source's figures (an updated copy changes one or two); two reports cast in
    one formula — yesterday's and today's Suez transits, two market closes, one cable to two
    countries' dates — share the words and differ in the numbers: a template, not a copy.
    Outlets write one figure in several ways («627,006», «627.006», «627006»: the tokenizer
    splits at the separator), so a figure agrees when the other side holds it whole or as a
    part of one of its figures.
    """
    found: list[list[str]] = []
    for doc, ranges in (
        (a, [(p.i0, p.i1) for p in passages]),
        (b, [(p.j0, p.j1) for p in passages]),
    ):
        ids = np.concatenate([doc.ids[start : end + 1] for start, end in ranges])
        found.append([stems[i] for i in ids[is_number[ids]].tolist()])
    fewer = min(len(found[0]), len(found[1]))
    if fewer < MIN_FIGURES:
        return None
    agree = [
        sum(1 for figure in side if other.holds(figure))
        for side, other in ((found[0], Figures(found[1])), (found[1], Figures(found[0])))
    ]
    common = min(agree)
    return (common, fewer) if common < 0.5 * fewer else None


class Figures:
    """A text's figures, asked whether they hold a figure: whole, as a part of a longer figure
    there, or as the run of its parts there (thousands separators split «627,006» into two
    tokens on one side only: «627» and «006» on one side, «627006» on the other).

    Built once per text and asked of each figure of the other: a set, and the figures joined
    with and without a separator, make each question three lookups rather than a pass over the
    figures each (a formula's dozens of figures asked of dozens made that quadratic)."""

    __slots__ = ("_whole", "_apart", "_run")

    def __init__(self, figures: Sequence[str]) -> None:
        self._whole = frozenset(figures)
        # Figures hold no line break: a figure found in this string lies inside one figure,
        # a longer one (an equal one is whole).
        self._apart = "\n".join(figures)
        self._run = "".join(figures)

    def holds(self, figure: str) -> bool:
        return (
            figure in self._whole
            or (len(figure) >= 2 and figure in self._apart)
            or (len(figure) >= 4 and figure in self._run)
        )

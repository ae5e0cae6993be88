"""One bulletin, another day: a shared wording whose slots are filled differently.

A daily bulletin (the weather forecast, the gold price, a market close) is nearly the same text
every day: the agency writes today's by editing yesterday's. Aligned, two days' bulletins share
almost everything; what tells them apart is a handful of words swapped in place, each of a kind
that pins a day down: a figure (a wave height, a wind speed), a weekday, a compass
point (winds «شمالية» one day, «جنوبية» the next), a region. A copy of one bulletin keeps all
of those; an outlet that re-runs one adds or cuts, and may swap one word, but does not swap, in
place, several slot words of two kinds or more.

Each kind alone is another test's (figures: :func:`naql.wording.figures_disagree`, places:
:func:`naql.places.places_disagree`), and each asks for many of its kind to disagree, which a
forecast, with two or three figures and one region swapped, never reaches. Together they read
the bulletin's own signature: its day.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from naql.align import TokenPassage
from naql.text import Tokens, Vocabulary
from naql.text.normalize import normalize
from naql.text.weekdays import ARABIC_WEEKDAYS, LATIN_WEEKDAYS
from naql.wording import Figures

# Kinds of slot word, as bits: a stem may be two («الشرقية», the east and the Eastern Province).
FIGURE, WEEKDAY, COMPASS, PLACE = 1, 2, 4, 8

# Weekdays, not months: a market report names contract months («عقود سبتمبر») and glosses
# them («أغسطس (آب)»), and two updates of one day's report differ there (read on
# SaudiNewsNet: 3 of the 5 same-day pairs a first version with months took for two days).
# Nor the relative words («اليوم», «أمس»): a paper re-running agency copy the next day changes
# exactly those.
_WEEKDAY = " ".join([*ARABIC_WEEKDAYS, *LATIN_WEEKDAYS])
_COMPASS = """
شمال جنوب شرق غرب شمالي جنوبي شرقي غربي شمالية جنوبية شرقية غربية شماليه جنوبيه شرقيه غربيه
north south east west northern southern eastern western northerly southerly easterly westerly
"""

# Slot words swapped in place, in as many runs, of at least this many kinds. Figures alone are
# not enough: two updates of one day's market report differ in every price (read on
# SaudiNewsNet, tests/data/saudinewsnet_story_samples.md, slot-template-1).
MIN_SWAPS = 3
MIN_KINDS = 2
# In place: a run of at most this many tokens replaced by another, inside a passage at least
# this dense (one day's forecast against the next's: 0.75 on SaudiNewsNet, the region lists
# rewritten; two volleyball results, two cabinet sessions: 0.6-0.7). Two reports of one event
# written apart align more loosely, and their long replaced runs hold other figures and places
# by chance: the run's bound, not the density, keeps those out (the Jouf election signs, 0.65).
MAX_RUN = 4
MIN_DENSITY = 0.6
# Two slot words this alike (rapidfuzz's ratio, 0-100) are one word spelled two ways.
ALIKE = 75


def slot_kinds(vocabulary: Vocabulary, is_number: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Per stem id, the kinds of slot word it is, as bits (0: none). Nothing is registered:
    the pile's ids stay as they are."""
    kinds = np.zeros(len(vocabulary), dtype=np.int8)
    kinds[places[: len(kinds)]] |= PLACE
    for kind, listed in ((WEEKDAY, _WEEKDAY), (COMPASS, _COMPASS)):
        forms = [normalize(word) for word in listed.split()]
        # A word the stemmer leaves whole is its own stem (the tokenizer does not stem
        # every form the way a bare list would be: «شمالية» stays «شماليه» in a text).
        for ids in (vocabulary.stem_ids_of(forms), vocabulary.lookup(forms)):
            kinds[ids[ids >= 0]] |= kind
    kinds[is_number[: len(kinds)]] |= FIGURE
    return kinds


def slots_disagree(
    text_a: str,
    text_b: str,
    a: Tokens,
    b: Tokens,
    passages: Sequence[TokenPassage],
    kinds: np.ndarray,
    stems: Sequence[str],
    positions: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[str, str] | None:
    """(A's words, B's words) swapped in place in the shared wording, each side's joined by
    «; », when they are at least MIN_SWAPS runs of slot words of MIN_KINDS kinds (see the
    module doc); None otherwise. ``positions``: where each text's slot words are
    (:func:`slot_positions`), when the caller keeps them."""
    ranges = [(p.i0, p.i1, p.j0, p.j1) for p in passages if p.density >= MIN_DENSITY]
    if not ranges:
        return None
    if positions is None:
        positions = slot_positions(a, kinds), slot_positions(b, kinds)
    if not _may_differ(a, b, ranges, positions):
        return None
    swaps: list[tuple[int, int, int, int]] = []  # each side's first and last token
    swapped_kinds: set[int] = set()
    for i0, i1, j0, j1 in ranges:
        left, right = a.ids[i0 : i1 + 1], b.ids[j0 : j1 + 1]
        for block, steps in _changes(left, right):
            # The change as a whole, else each of its steps: a short swap inside a longer
            # rewording still is one.
            for (a0, a1), (b0, b1) in [block, *(step for step in steps if step != block)]:
                found = _swap(left[a0:a1], right[b0:b1], kinds, stems)
                if found:
                    swaps.append((i0 + a0, i0 + a1 - 1, j0 + b0, j0 + b1 - 1))
                    swapped_kinds.update(found)
                    break
    if len(swaps) < MIN_SWAPS or len(swapped_kinds) < MIN_KINDS:
        return None
    return (
        "; ".join(
            " ".join(text_a[int(a.starts[lo]) : a.end(hi)].split()) for lo, hi, _, _ in swaps
        ),
        "; ".join(
            " ".join(text_b[int(b.starts[lo]) : b.end(hi)].split()) for _, _, lo, hi in swaps
        ),
    )


Run = tuple[tuple[int, int], tuple[int, int]]  # (start, end) in A, (start, end) in B


def _changes(left: np.ndarray, right: np.ndarray) -> list[tuple[Run, list[Run]]]:
    """The runs of each side that differ, between two stretches the sides share (the edit
    steps between two equal ones taken as one change), each with its steps. The steps are
    one of many equally short edits: «لهذا اليوم الاثنين» to «أمس الثلاثاء» may come out as a
    replace and a delete, the weekday on neither side of the replace."""
    found: list[tuple[Run, list[Run]]] = []
    steps: list[Run] = []

    def close() -> None:
        if steps:
            block = ((steps[0][0][0], steps[-1][0][1]), (steps[0][1][0], steps[-1][1][1]))
            found.append(
                (
                    block,
                    [step for step in steps if step[0][1] > step[0][0] and step[1][1] > step[1][0]],
                )
            )
            steps.clear()

    for step in Levenshtein.opcodes(left.tolist(), right.tolist()):
        if step.tag == "equal":
            close()
        else:
            steps.append(((step.src_start, step.src_end), (step.dest_start, step.dest_end)))
    close()
    return found


def _swap(
    run_a: np.ndarray, run_b: np.ndarray, kinds: np.ndarray, stems: Sequence[str]
) -> list[int]:
    """The kinds of slot the two runs fill with different words: none unless both are short
    and not empty."""
    if not 0 < len(run_a) <= MAX_RUN or not 0 < len(run_b) <= MAX_RUN:
        return []
    common = int(np.bitwise_or.reduce(kinds[run_a])) & int(np.bitwise_or.reduce(kinds[run_b]))
    return [
        kind
        for kind in (FIGURE, WEEKDAY, COMPASS, PLACE)
        if common & kind and _swapped(kind, run_a, run_b, kinds, stems)
    ]


def _swapped(
    kind: int, run_a: np.ndarray, run_b: np.ndarray, kinds: np.ndarray, stems: Sequence[str]
) -> bool:
    """Whether the two runs fill one slot of ``kind`` with different words."""
    first = [stems[k] for k in run_a[(kinds[run_a] & kind) > 0].tolist()]
    second = [stems[k] for k in run_b[(kinds[run_b] & kind) > 0].tolist()]
    if kind == FIGURE:
        # One figure written two ways («627,006», «627006», «06» and «6») is no swap.
        held = Figures(_unpadded(second))
        return not all(held.holds(figure) for figure in _unpadded(first))
    # Nor is one name spelled two ways («أمريكي», «أميركي») or glossed («كوت ديفوار (ساحل العاج)»).
    return not _alike(first, second)


def slot_positions(doc: Tokens, kinds: np.ndarray) -> np.ndarray:
    """Where ``doc``'s slot words are (ascending token positions): a text is in many pairs,
    and at 16x SaudiNewsNet half a million texts keep theirs, so four bytes a position."""
    return np.flatnonzero(kinds[doc.ids] > 0).astype(np.int32)


def _may_differ(
    a: Tokens,
    b: Tokens,
    ranges: list[tuple[int, int, int, int]],
    positions: tuple[np.ndarray, np.ndarray],
) -> bool:
    """Whether each side's shared text holds a slot word that the other side's shared text
    lacks: most pairs (copies keep their source's slots) stop here."""
    in_a = _stems_at(a, positions[0], [(i0, i1) for i0, i1, _, _ in ranges])
    in_b = _stems_at(b, positions[1], [(j0, j1) for _, _, j0, j1 in ranges])
    return not in_a <= in_b and not in_b <= in_a


def _stems_at(doc: Tokens, positions: np.ndarray, spans: list[tuple[int, int]]) -> set[int]:
    """The stems of the slot words (at ``positions``) inside the inclusive token ``spans``."""
    found: set[int] = set()
    if not len(positions):
        return found
    for start, end in spans:
        low, high = int(positions.searchsorted(start)), int(positions.searchsorted(end + 1))
        if high > low:
            found.update(doc.ids[positions[low:high]].tolist())
    return found


def _unpadded(figures: list[str]) -> list[str]:
    return [figure.lstrip("0") or "0" for figure in figures]


def _alike(first: list[str], second: list[str]) -> bool:
    """Whether some word of one run is some word of the other, give or take a letter or two
    (stems of one name spelled two ways)."""
    return any(fuzz.ratio(x, y) >= ALIKE for x in first for y in second)

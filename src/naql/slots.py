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

One kind is enough alone: a nationality («سوري الجنسية» for «باكستاني الجنسية»), named nowhere
in the other text. A ministry's execution or arrest statements are one formula told of one
convict after another, often several on one day and in one region, and a copy or a rewrite of
one of them never changes whose nationality it tells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz

from naql.align import TokenPassage
from naql.places import SLOT_RUN, Run, changed_runs
from naql.text import Tokens, Vocabulary
from naql.text.normalize import normalize
from naql.text.weekdays import ARABIC_WEEKDAYS, LATIN_WEEKDAYS
from naql.wording import Figures

# Kinds of slot word, as bits: a stem may be two («الشرقية», the east and the Eastern Province).
FIGURE, WEEKDAY, COMPASS, PLACE = 1, 2, 4, 8
# A nationality is a kind by position, not by stem: the word beside «الجنسية» («سوري الجنسية»,
# «يحمل الجنسية الباكستانية»), whatever the country. The stemmer folds demonyms into common
# words («سوري» to «سور», a wall; «بحريني» to «بحر», the sea), so a list of them by stem would
# mark half the language; the statement's own wording says where the nationality stands. Two
# execution or arrest statements of one ministry are one formula with the convict's name,
# nationality, day and town swapped; a copy never swaps a nationality.
NATIONALITY = 16
_NATIONALITY_CUE = 32  # the stem of «الجنسية» itself: marks its neighbours, is no slot
_CUE_WORD = "الجنسية"

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
# The places test reads its slots with the same bound.
MAX_RUN = SLOT_RUN
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
    cue = vocabulary.stem_ids_of([normalize(_CUE_WORD)])
    kinds[cue[cue >= 0]] = _NATIONALITY_CUE
    return kinds


def token_kinds(doc: Tokens, text: str, kinds: np.ndarray) -> np.ndarray:
    """Per token of ``doc`` (over ``text``), the kinds of slot word it is: its stem's, and
    NATIONALITY for the word beside «الجنسية» that names one, a nisba: before it, «سوري
    الجنسية», «سورية الجنسية»; after it, agreeing with it, «الجنسية الباكستانية» (not «يحمل
    الجنسية», nor «الجنسية - اليوم»)."""
    found = kinds[doc.ids]
    cue = np.flatnonzero(found & _NATIONALITY_CUE)
    if not len(cue):
        return found
    found = found & ~np.int8(_NATIONALITY_CUE)
    at = cue.tolist()
    last = len(found) - 1
    beside = [(k - 1, False) for k in at if k > 0] + [(k + 1, True) for k in at if k < last]
    for k, definite in beside:
        word = normalize(text[int(doc.starts[k]) : doc.end(k)])
        if word.startswith("ال") == definite and word.endswith(("ي", "يه")):
            found[k] |= NATIONALITY
    found[cue] = 0
    return found


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
        positions = slot_positions(a, text_a, kinds), slot_positions(b, text_b, kinds)
    if not _may_differ(a, b, ranges, positions):
        return None
    at_a, at_b = token_kinds(a, text_a, kinds), token_kinds(b, text_b, kinds)
    swaps: list[tuple[int, int, int, int]] = []  # each side's first and last token
    swapped_kinds: set[int] = set()
    # One nationality for another, each named nowhere in the other text, is enough alone: a
    # copy or a rewrite of one statement never swaps its convict's nationality, and a list of
    # several told in another order names each in both.
    told = False
    for i0, i1, j0, j1 in ranges:
        left, right = a.ids[i0 : i1 + 1], b.ids[j0 : j1 + 1]
        for block, steps in changed_runs(left, right):
            # The change as a whole, else each of its steps: a short swap inside a longer
            # rewording still is one.
            for (a0, a1), (b0, b1) in [block, *(step for step in steps if step != block)]:
                found = _swap(
                    left[a0:a1],
                    right[b0:b1],
                    at_a[i0 + a0 : i0 + a1],
                    at_b[j0 + b0 : j0 + b1],
                    stems,
                )
                if found:
                    swaps.append((i0 + a0, i0 + a1 - 1, j0 + b0, j0 + b1 - 1))
                    swapped_kinds.update(found)
                    if NATIONALITY in found:
                        told = told or _foreign(swaps[-1], a, b, at_a, at_b)
                    break
            else:
                # A nationality beside a name that was swapped too («قاسم محمد الهلال - سوري»,
                # «شاه فيصل عظيم شاه - باكستاني») makes a run too long to be a slot; the word
                # next to the shared «الجنسية» is one all the same.
                edge = _nationality_swapped(block, i0, j0, left, right, at_a, at_b, stems)
                if edge is not None:
                    swaps.append(edge)
                    swapped_kinds.add(NATIONALITY)
                    told = told or _foreign(edge, a, b, at_a, at_b)
    if (len(swaps) < MIN_SWAPS or len(swapped_kinds) < MIN_KINDS) and not told:
        return None
    return (
        "; ".join(
            " ".join(text_a[int(a.starts[lo]) : a.end(hi)].split()) for lo, hi, _, _ in swaps
        ),
        "; ".join(
            " ".join(text_b[int(b.starts[lo]) : b.end(hi)].split()) for _, _, lo, hi in swaps
        ),
    )


def _foreign(
    swap: tuple[int, int, int, int], a: Tokens, b: Tokens, at_a: np.ndarray, at_b: np.ndarray
) -> bool:
    """Whether the nationalities a swap puts in each side are named nowhere in the other."""
    first, last, low, high = swap
    mine = a.ids[first : last + 1][(at_a[first : last + 1] & NATIONALITY) > 0]
    theirs = b.ids[low : high + 1][(at_b[low : high + 1] & NATIONALITY) > 0]
    return not np.isin(mine, b.ids).any() and not np.isin(theirs, a.ids).any()


def _nationality_swapped(
    block: Run,
    i0: int,
    j0: int,
    left: np.ndarray,
    right: np.ndarray,
    at_a: np.ndarray,
    at_b: np.ndarray,
    stems: Sequence[str],
) -> tuple[int, int, int, int] | None:
    """The change's last words, else its first, when both name a nationality and differ: the
    token in A and in B, as a swap's first and last."""
    (a0, a1), (b0, b1) = block
    if a1 <= a0 or b1 <= b0:
        return None
    for x, y in ((a1 - 1, b1 - 1), (a0, b0)):
        if at_a[i0 + x] & NATIONALITY and at_b[j0 + y] & NATIONALITY:
            if not _alike([stems[int(left[x])]], [stems[int(right[y])]]):
                return i0 + x, i0 + x, j0 + y, j0 + y
    return None


def _swap(
    run_a: np.ndarray,
    run_b: np.ndarray,
    kinds_a: np.ndarray,
    kinds_b: np.ndarray,
    stems: Sequence[str],
) -> list[int]:
    """The kinds of slot the two runs (stem ids, and each token's kinds) fill with different
    words: none unless both are short and not empty."""
    if not 0 < len(run_a) <= MAX_RUN or not 0 < len(run_b) <= MAX_RUN:
        return []
    common = int(np.bitwise_or.reduce(kinds_a)) & int(np.bitwise_or.reduce(kinds_b))
    return [
        kind
        for kind in (FIGURE, WEEKDAY, COMPASS, PLACE, NATIONALITY)
        if common & kind and _swapped(kind, run_a, run_b, kinds_a, kinds_b, stems)
    ]


def _swapped(
    kind: int,
    run_a: np.ndarray,
    run_b: np.ndarray,
    kinds_a: np.ndarray,
    kinds_b: np.ndarray,
    stems: Sequence[str],
) -> bool:
    """Whether the two runs fill one slot of ``kind`` with different words."""
    first = [stems[k] for k in run_a[(kinds_a & kind) > 0].tolist()]
    second = [stems[k] for k in run_b[(kinds_b & kind) > 0].tolist()]
    if kind == FIGURE:
        # One figure written two ways («627,006», «627006», «06» and «6») is no swap.
        held = Figures(_unpadded(second))
        return not all(held.holds(figure) for figure in _unpadded(first))
    # Nor is one name spelled two ways («أمريكي», «أميركي») or glossed («كوت ديفوار (ساحل العاج)»).
    return not _alike(first, second)


def slot_positions(doc: Tokens, text: str, kinds: np.ndarray) -> np.ndarray:
    """Where ``doc``'s slot words are (ascending token positions): a text is in many pairs,
    and at 16x SaudiNewsNet half a million texts keep theirs, so four bytes a position."""
    return np.flatnonzero(token_kinds(doc, text, kinds) > 0).astype(np.int32)


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

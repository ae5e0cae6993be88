"""What the report marks inside an article's text: the passages it shares with the other side
of a pair, the words that differ inside them, what it added, the credits it gives.

A text is sent to the page once, with *runs*: consecutive stretches that carry the same marks,
each as four numbers ``end, passage, marks, credit`` in one flat list (a run starts where the
previous one ends; -1: no passage, no credit; marks: DIFF | ADDED bits). The page only slices
the text along them, so every offset decision is made (and tested) here.

Offsets are ``(start, end)`` tuples here, not :class:`~naql.records.Span`: a large pile's
report cuts a million of them, and a tuple costs a tenth of a checked dataclass.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import regex
from rapidfuzz.distance import Levenshtein

from naql.records import Alignment
from naql.text import figures_read, words

DIFF = 1  # a word inside a shared passage that the other side has not
ADDED = 2  # material the derived side added to what it took

Range = tuple[int, int]  # [start, end) in one article's text

# Enough letters to tell an article's script; its first ones are as telling as all of them.
DIRECTION_SAMPLE = 4000
# Counted on UTF-8 bytes, where str.count and bytes.translate run at C speed: lead bytes
# 0xD6-0xDD start Hebrew, Arabic, Syriac, Thaana letters (U+0590-U+07BF); ASCII letters and
# lead bytes 0xC3-0xC9 (Latin-1 letters, Latin Extended-A/B) are left-to-right.
_RIGHT_LEAD = bytes(range(0xD6, 0xDE))
_LEFT = bytes([*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC3, 0xCA)])
_NOT_RIGHT = bytes(b for b in range(256) if b not in _RIGHT_LEAD)
_NOT_LEFT = bytes(b for b in range(256) if b not in _LEFT)


def direction(text: str) -> str:
    """``rtl`` when the text has more right-to-left letters (Arabic …) than Latin ones."""
    sample = text[:DIRECTION_SAMPLE].encode("utf-8", "replace")
    right = len(sample.translate(None, _NOT_RIGHT))
    left = len(sample.translate(None, _NOT_LEFT))
    return "rtl" if right > left else "ltr"


@dataclass(slots=True)
class Marks:
    """What to mark in one text; lists in painting order."""

    passages: Sequence[Range] = ()  # index in this list = the passage's colour
    diffs: Sequence[Range] = ()
    added: Sequence[Range] = ()
    credits: Sequence[Range] = ()  # index in this list = the credit's index on the page


def runs(length: int, marks: Marks) -> list[int]:
    """The text cut where any mark begins or ends (see the module docstring), flat: four
    numbers a run. Where passages overlap (shuffled ones can) the earlier keeps its colour; so
    does an earlier credit."""
    cut: list[int] = []
    diffs = _merged(marks.diffs, length)
    next_diff = 0
    for start, end, passage, bits, credit in _coarse(length, marks):
        # The differing words, many and disjoint, split the few coarse runs by a walk.
        at = start
        while at < end:
            while next_diff < len(diffs) and diffs[next_diff][1] <= at:
                next_diff += 1
            if next_diff < len(diffs) and diffs[next_diff][0] <= at:
                stop, marked = min(end, diffs[next_diff][1]), bits | DIFF
            else:
                stop = min(end, diffs[next_diff][0]) if next_diff < len(diffs) else end
                marked = bits
            if cut and cut[-3] == passage and cut[-2] == marked and cut[-1] == credit:
                cut[-4] = stop
            else:
                cut += (stop, passage, marked, credit)
            at = stop
    return cut


def _merged(spans: Sequence[Range], length: int) -> list[Range]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        end = min(end, length)
        if start >= end:
            continue
        if merged and merged[-1][1] >= start:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _coarse(length: int, marks: Marks) -> list[tuple[int, int, int, int, int]]:
    """(start, end, passage, ADDED bit, credit) over the whole text: a sweep over the few
    passages, additions and credits."""
    events: list[tuple[int, int, int, int]] = []  # (offset, layer, index, +1 opens / -1 closes)
    for layer, spans in enumerate((marks.passages, marks.added, marks.credits)):
        for index, (start, end) in enumerate(spans):
            end = min(end, length)
            if start < end:
                events += ((start, layer, index, 1), (end, layer, index, -1))
    events.sort()
    open_: tuple[dict[int, int], ...] = ({}, {}, {})
    found: list[tuple[int, int, int, int, int]] = []
    at, next_event = 0, 0
    while at < length:
        while next_event < len(events) and events[next_event][0] <= at:
            _, layer, index, step = events[next_event]
            count = open_[layer].get(index, 0) + step
            if count:
                open_[layer][index] = count
            else:
                del open_[layer][index]
            next_event += 1
        end = events[next_event][0] if next_event < len(events) else length
        found.append(
            (
                at,
                end,
                min(open_[0]) if open_[0] else -1,
                ADDED if open_[1] else 0,
                min(open_[2]) if open_[2] else -1,
            )
        )
        at = end
    return found


_INKED = regex.compile(r"\S(?:[^\n]*\S)?")


def inked(text: str, spans: Iterable[Range]) -> list[Range]:
    """``spans`` cut to their lines' printed stretches: a span of added material that takes in
    a page's blanked chrome would otherwise mark empty lines."""
    return [
        found.span()
        for start, end in spans
        for found in _INKED.finditer(text, start, min(end, len(text)))
    ]


@dataclass(slots=True)
class Tokens:
    """An article's words: normalised forms with their offsets, as plain lists."""

    forms: list[str]
    starts: list[int]
    ends: list[int]


class WordCache:
    """Each article's words, tokenised once however many pairs it is in, and only over the
    stretch its passages cover (widened to whitespace, so no word is cut): in a large pile the
    rest of the text is most of it."""

    def __init__(self, texts: Mapping[str, str], alignments: Iterable[Alignment]) -> None:
        self.texts = texts
        self._hulls: dict[str, list[int]] = {}
        for alignment in alignments:
            for passage in alignment.passages:
                self._widen(alignment.a, passage.a_span.start, passage.a_span.end)
                self._widen(alignment.b, passage.b_span.start, passage.b_span.end)
        self._tokens: dict[str, Tokens] = {}

    def _widen(self, article: str, start: int, end: int) -> None:
        hull = self._hulls.setdefault(article, [start, end])
        hull[0], hull[1] = min(hull[0], start), max(hull[1], end)

    def __call__(self, article: str) -> Tokens:
        if article not in self._tokens:
            text = self.texts[article]
            start, end = self._hulls.get(article, (0, len(text)))
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            # Read as the aligner reads it: «الخامسة عشرة» and «15» are one word alike.
            stretch = text[start:end]
            found = figures_read(words(stretch), stretch)
            self._tokens[article] = Tokens(
                found.forms, (found.starts + start).tolist(), (found.ends + start).tolist()
            )
        return self._tokens[article]


def word_diffs(
    a: Tokens, a_span: Range, b: Tokens, b_span: Range, kind: str
) -> tuple[list[Range], list[Range]]:
    """The words of each side of a passage that the other side does not have, as character
    ranges (neighbouring words joined, with the space between them).

    Words are compared normalised (diacritics, alef forms, case), as the aligner compares them.
    An ordered passage (verbatim, edited) is diffed in order (Levenshtein opcodes over words); a
    shuffled one by presence alone, since an in-order diff would mark every moved word.
    """
    a_first, a_last = _word_range(a, a_span)
    b_first, b_last = _word_range(b, b_span)
    a_forms, b_forms = a.forms[a_first:a_last], b.forms[b_first:b_last]
    if kind == "shuffled":
        b_set, a_set = set(b_forms), set(a_forms)
        a_runs = _marked_runs(form not in b_set for form in a_forms)
        b_runs = _marked_runs(form not in a_set for form in b_forms)
    else:
        a_runs, b_runs = [], []
        for op in Levenshtein.opcodes(a_forms, b_forms):
            if op.tag != "equal":
                _extend(a_runs, op.src_start, op.src_end)
                _extend(b_runs, op.dest_start, op.dest_end)
    return _ranges(a, a_first, a_runs), _ranges(b, b_first, b_runs)


def _word_range(tokens: Tokens, span: Range) -> Range:
    """The words wholly inside ``span``: [first, last + 1)."""
    first = bisect_left(tokens.starts, span[0])
    last = bisect_right(tokens.ends, span[1])
    return first, max(first, last)


def _extend(found: list[list[int]], start: int, end: int) -> None:
    """Add word run [start, end), joined to the last one when they touch."""
    if start >= end:
        return
    if found and found[-1][1] >= start:
        found[-1][1] = max(found[-1][1], end)
    else:
        found.append([start, end])


def _marked_runs(marked: Iterable[bool]) -> list[list[int]]:
    found: list[list[int]] = []
    for position in itertools.compress(itertools.count(), marked):
        if found and found[-1][1] == position:
            found[-1][1] = position + 1
        else:
            found.append([position, position + 1])
    return found


def _ranges(tokens: Tokens, offset: int, word_runs: list[list[int]]) -> list[Range]:
    return [(tokens.starts[offset + s], tokens.ends[offset + e - 1]) for s, e in word_runs]


@dataclass(slots=True)
class Side:
    """One side of a pair as the page draws it."""

    article: str
    share: float  # of this article's text shared with the other side
    runs: list[int]  # flat: end, passage, marks, credit per run


@dataclass(slots=True)
class Shared:
    """One passage of a pair, oriented as the page shows the pair (left, right)."""

    kind: str
    words: int
    left: Range
    right: Range


@dataclass(slots=True)
class PairView:
    left: Side
    right: Side
    passages: list[Shared]  # in the left side's reading order: index = colour


def pair_view(
    alignment: Alignment,
    texts: Mapping[str, str],
    cache: WordCache,
    *,
    left: str,
    added: Mapping[str, Sequence[Range]],
    credits: Mapping[str, Sequence[Range]],
) -> PairView:
    """Both sides of a pair, ``left`` first (the source, when there is one), with their runs.
    ``added``: per derived article, what it added (its verdict's spans); an article absent from
    it is not marked. ``credits``: per article, the ranges of its credits in its text."""
    flip = alignment.a != left
    passages = sorted(alignment.passages, key=lambda p: p.b_span.start if flip else p.a_span.start)
    spans = [((p.a_span.start, p.a_span.end), (p.b_span.start, p.b_span.end)) for p in passages]
    a_tokens, b_tokens = cache(alignment.a), cache(alignment.b)
    diffs: tuple[list[Range], list[Range]] = ([], [])
    for passage, (a_span, b_span) in zip(passages, spans):
        a_diff, b_diff = word_diffs(a_tokens, a_span, b_tokens, b_span, passage.kind)
        diffs[0].extend(a_diff)
        diffs[1].extend(b_diff)
    sides = []
    for number, (article, share) in enumerate(
        ((alignment.a, alignment.a_share), (alignment.b, alignment.b_share))
    ):
        own = [pair[number] for pair in spans]
        marks = Marks(own, diffs[number], added.get(article, ()), credits.get(article, ()))
        sides.append(Side(article, share, runs(len(texts[article]), marks)))
    shared = [
        Shared(p.kind, p.matched_words, *((b, a) if flip else (a, b)))
        for p, (a, b) in zip(passages, spans)
    ]
    if flip:
        sides.reverse()
    return PairView(sides[0], sides[1], shared)

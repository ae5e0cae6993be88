"""Multi-story pages: where a second story starts, and whether the parts really are different.

A story may start
* after a "read more" marker («المزيد....» ends the teaser on page 000), at the next kept line;
* at a repeated page-layout block: a headline-like line that comes back within ``head_window``
  lines with a caption or a chrome line («TT») in between, the way a news site lays out each
  story's head (headline, photo, caption, caption, TT, headline again). The first such head is
  the page's own; each later one is a candidate.

A candidate becomes a cut only when both sides have at least ``min_story_words`` kept words and
their vocabularies barely overlap (Jaccard of their word sets, words of four letters or more,
below ``split_max_overlap``): a teaser followed by its own full text is one story, not two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from naql.clean.lines import Line
from naql.clean.rules import has_letters

if TYPE_CHECKING:
    from naql.clean import CleanConfig

READ_MORE = "read more"


def word_set(
    lines: Sequence[Line], keep: Sequence[bool], start: int, end: int
) -> tuple[int, set[str]]:
    """Kept words between lines ``start`` and ``end``: how many, and the set of the long ones."""
    count, found = 0, set[str]()
    for index in range(start, end):
        if keep[index]:
            tokens = lines[index].text.split()
            count += len(tokens)
            found.update(token for token in tokens if len(token) >= 4)
    return count, found


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def story_starts(
    lines: Sequence[Line],
    reasons: Sequence[str | None],
    captions: Sequence[bool],
    config: CleanConfig,
) -> list[int]:
    """Indices of the lines where a new story starts (the first story's start, 0, not included)."""
    nonblank = [index for index, line in enumerate(lines) if line.key]
    candidates: set[int] = set()
    for position, index in enumerate(nonblank):
        if reasons[index] == READ_MORE:
            following = next((j for j in nonblank[position + 1 :] if reasons[j] is None), None)
            if following is not None:
                candidates.add(following)
    heads = []
    for position, index in enumerate(nonblank):
        line = lines[index]
        if (
            reasons[index] is not None
            or captions[index]
            or line.long
            or line.words > config.headline_max_words
            or not has_letters(line.key)
        ):
            continue
        window = nonblank[position + 1 : position + 1 + config.head_window]
        for offset, other in enumerate(window):
            if lines[other].key == line.key:
                if any(captions[k] or reasons[k] is not None for k in window[:offset]):
                    heads.append(index)
                break
    candidates.update(heads[1:])
    if heads and heads[0] > 0:
        candidates.add(heads[0])  # kept only if a whole story stands before it (checked below)
    if not candidates:
        return []
    keep = [reason is None and bool(line.key) for line, reason in zip(lines, reasons)]
    ordered = sorted(candidates)
    starts: list[int] = []
    last = 0
    for position, cut in enumerate(ordered):
        end = ordered[position + 1] if position + 1 < len(ordered) else len(lines)
        before_count, before = word_set(lines, keep, last, cut)
        after_count, after = word_set(lines, keep, cut, end)
        if (
            before_count >= config.min_story_words
            and after_count >= config.min_story_words
            and jaccard(before, after) < config.split_max_overlap
        ):
            starts.append(cut)
            last = cut
    return starts

"""Where a page's story stands: its headline line, and its first and last body lines (what lies
between them is body, whatever it looks like: a date, a part number)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from naql.clean import rules
from naql.clean.lines import Line

if TYPE_CHECKING:
    from naql.clean import CleanConfig


def headline(
    lines: list[Line],
    kept: list[int],
    reasons: list[str | None],
    captions: list[bool],
    date_lines: Mapping[int, object],
    config: CleanConfig,
) -> int | None:
    """The story's headline: its first kept line with letters that is not a date or a caption,
    if that line is short enough to be one."""
    for i in kept:
        if (
            reasons[i] is None
            and i not in date_lines
            and not captions[i]
            and rules.has_letters(lines[i].key)
        ):
            line = lines[i]
            return i if not line.long and line.words <= config.headline_max_words else None
    return None


def body_interior(
    lines: list[Line],
    kept: list[int],
    reasons: list[str | None],
    captions: list[bool],
    date_lines: Mapping[int, object],
    title_index: int | None,
) -> tuple[int, int] | None:
    """The story's first and last body lines: kept lines after its headline that hold a word or a
    number and are neither captions nor date lines (None when it has fewer than two). A photo's
    caption and the headline sit above the text with the counters and banners around them, so
    they do not open the body; a list of bare numbers does close it."""
    body = [
        i
        for i in kept
        if reasons[i] is None
        and (title_index is None or i > title_index)
        and i not in date_lines
        and not captions[i]
        and (rules.has_letters(lines[i].key) or rules.has_digit(lines[i].key))
    ]
    return (body[0], body[-1]) if len(body) > 1 else None

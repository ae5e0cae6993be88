"""Sign-offs learned from the batch: an outlet's closing label before the page's own title.

Some sites end every article with a fixed label and the headline again — al-Weeam's «رابط الخبر
بصحيفة الوئام: <title>» closes 2,084 of its 2,090 pages in SaudiNewsNet — often run on in the
last paragraph's line, so the line rules (:mod:`naql.clean.frequency`) never see it as a line of
its own. The label is chrome, and harmful chrome: every page of the outlet shares it, so its
pages look alike to the topic measure, and its photo pages, whose whole text is the label and
the title («بالصور .. رمضان في ليبيا»), made one story of fourteen galleries from a month.

The rule: a page whose text ends with its own title (the reader's, HTML entities read), preceded
within its sentence by a label of ``MIN_WORDS`` to ``MAX_WORDS`` words ending with a colon or a
dash («… وقال المتحدث <title>» is a sentence that ends with it, not a label), votes for the
label; a label closing at least ``max(outlet_min_pages, outlet_share * N_o)`` pages of outlet o
(the outlet chrome bar) is o's sign-off, and it goes on every page of o that ends with it and
its title. The title stays: it is the article's own headline, which most outlets print atop
the text, and its words are the story's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import replace
from html import unescape
from typing import TYPE_CHECKING

import regex

from naql.clean.frequency import outlet_bar
from naql.records import Article, Drop, Span

if TYPE_CHECKING:
    from naql.clean import CleanConfig

SIGN_OFF = "outlet sign-off"
MIN_WORDS = 2
MAX_WORDS = 8

_WORD = regex.compile(r"\S+")
# A label starts after a sentence's end or a line break ...
_SENTENCE_END = regex.compile(r"[.!?؟…]$")
# ... and ends with a colon or a dash, the label before the title.
_LABEL_END = regex.compile(r"[:：\-–—]$")


def sign_off(text: str, title: str | None) -> tuple[int, int, str] | None:
    """(where the label starts and ends in ``text``, the label) when ``text`` ends with a short
    label then ``title`` (see the module doc); None otherwise."""
    if not title:
        return None
    wanted = (unescape(title) if "&" in title else title).split()
    if not wanted or not text.rstrip().endswith(wanted[-1]):
        return None  # most pages: not even the title's last word closes the text
    # The title and a label before it: a tail of the text is enough to read.
    tail_start = max(0, len(text) - sum(map(len, wanted)) - 4 * len(wanted) - 200)
    found = list(_WORD.finditer(text, tail_start))
    size = len(wanted)
    if len(found) <= size or [m.group() for m in found[-size:]] != wanted:
        return None
    before = found[:-size]
    phrase: list[regex.Match[str]] = []
    for match in reversed(before):
        if phrase and (
            _SENTENCE_END.search(match.group()) or "\n" in text[match.end() : phrase[0].start()]
        ):
            break
        phrase.insert(0, match)
        if len(phrase) > MAX_WORDS:
            return None
    if len(phrase) < MIN_WORDS or len(phrase) == len(before) and tail_start > 0:
        return None
    if not _LABEL_END.search(phrase[-1].group()):
        return None  # a label introduces the title; a sentence that ends with it is the text's
    return phrase[0].start(), phrase[-1].end(), " ".join(m.group() for m in phrase)


Votes = Counter[tuple[str, str]]  # (outlet group, label) -> pages it closes


def sign_off_votes(
    articles: Sequence[Article], groups: Sequence[str | None]
) -> tuple[Votes, Counter[str]]:
    """What a batch of pages (or a contiguous chunk of one) says about sign-offs: the pages
    each (outlet, label) closes, and each outlet's pages. Chunks' votes add up to the
    batch's."""
    votes: Votes = Counter()
    for article, group in zip(articles, groups):
        if group is not None and (hit := sign_off(article.text, article.title)) is not None:
            votes[(group, hit[2])] += 1
    return votes, Counter(group for group in groups if group is not None)


def learn_sign_offs(votes: Votes, sizes: Counter[str], config: CleanConfig) -> set[tuple[str, str]]:
    """(outlet group, label) pairs that close enough of the outlet's pages (see the module
    doc), from the batch's :func:`sign_off_votes`."""
    return {key for key, count in votes.items() if count >= outlet_bar(config, sizes[key[0]])}


def without_sign_offs(
    articles: Sequence[Article],
    groups: Sequence[str | None],
    learned: Set[tuple[str, str]],
) -> list[Article]:
    """The pages with their outlet's ``learned`` sign-off blanked (newlines stay) and listed
    as dropped; the others as they are, the same objects."""
    if not learned:
        return list(articles)
    signing = {group for group, _ in learned}  # only their pages are read again
    out = []
    for article, group in zip(articles, groups):
        hit = sign_off(article.text, article.title) if group in signing else None
        if hit is None or (group, hit[2]) not in learned:
            out.append(article)
            continue
        start, end, _ = hit
        blank = "".join(ch if ch == "\n" else " " for ch in article.text[start:end])
        drop = Drop(Span(start, end), SIGN_OFF)
        dropped = sorted([*article.dropped, drop], key=lambda d: (d.span.start, d.span.end))
        text = article.text[:start] + blank + article.text[end:]
        out.append(replace(article, text=text, dropped=dropped, meta=dict(article.meta)))
    return out

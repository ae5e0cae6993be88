"""What provenance knows about each article of a story before it draws anything: its outlet and
the outlet's kind, the outlets it credits as its source, whether it names itself as the
recipient of its sources, whether it is a truncated teaser; and, per pair, which of an
article's tokens its passages with another article cover."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from naql.align import TokenPassage
from naql.attribution import own_outlet_id
from naql.outlets import Gazetteer
from naql.pairs import Template
from naql.provenance.published import Window, window
from naql.records import Article, Attribution, Passage
from naql.text import Tokens, normalize
from naql.wording import Figures

# «مصادر لـ«X»», «مصدر لـX», «وعلمت «X»», "told X": the outlet as the recipient of its sources.
RECIPIENT_CUES = frozenset({"مصادر", "مصدر", "ل", "لل", "علمت", "وعلمت", "told"})
TEASER = re.compile(
    r"(المزيد|اقرا المزيد|تابع القراءه|read more|continue reading)\W*$", re.IGNORECASE
)


@dataclass(slots=True)
class StoryInput:
    """Everything provenance needs about one story, by article index."""

    members: list[int]
    # The whole trace's, or (:func:`alone`) just the members', by the same indices.
    articles: Sequence[Article] | Mapping[int, Article]
    tokens: Sequence[Tokens] | Mapping[int, Tokens]
    passages: dict[tuple[int, int], list[TokenPassage]]  # (a, b) with a < b
    attributions: dict[int, list[Attribution]]
    gazetteer: Gazetteer
    story_id: str
    label: str
    trust_dates: bool
    to_passage: Callable[[TokenPassage], Passage]  # from the pipeline: token -> text offsets
    # Pairs whose shared wording is one formula of two events (naql.pairs.Template): mostly
    # different figures, (common, fewer) numbers, or two places in one slot, (A's, B's).
    templates: dict[tuple[int, int], Template] = field(default_factory=dict)
    # Per stem id: a figure's digits, else "" (what "a figure the other side lacks" compares),
    # and whether it is a calendar word or date number (never material of its own).
    figures: Sequence[str] = ()
    is_figure: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    calendar: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def alone(story: StoryInput) -> StoryInput:
    """``story`` with only its own members' articles, tokens and credits, under the same
    indices: what a worker that does not see the whole trace (a Spark executor) is sent,
    rather than the corpus with every story."""
    members = story.members
    restricted = getattr(story.to_passage, "restricted", None)
    return replace(
        story,
        articles={k: story.articles[k] for k in members},
        tokens={k: story.tokens[k] for k in members},
        attributions={k: story.attributions[k] for k in members if k in story.attributions},
        to_passage=restricted(members) if restricted is not None else story.to_passage,
    )


# What every story of a trace shares: the gazetteer, and per stem its figure, whether it is
# one, whether it is a calendar word.
StoryCommon = tuple[Gazetteer, Sequence[str], np.ndarray, np.ndarray]


def common_of(stories: Sequence[StoryInput]) -> StoryCommon | None:
    """What ``stories`` all share, the very same objects (None if they do not)."""
    if not stories:
        return None
    first = stories[0]
    shared = (first.gazetteer, first.figures, first.is_figure, first.calendar)
    for story in stories:
        mine = (story.gazetteer, story.figures, story.is_figure, story.calendar)
        if any(a is not b for a, b in zip(mine, shared)):
            return None
    return shared


_EMPTY = np.zeros(0, dtype=bool)
_NO_GAZETTEER = Gazetteer()


def without_common(story: StoryInput) -> StoryInput:
    """``story`` without what :func:`common_of` gives (to be sent once for many stories);
    :func:`with_common` puts it back."""
    return replace(story, gazetteer=_NO_GAZETTEER, figures=(), is_figure=_EMPTY, calendar=_EMPTY)


def with_common(story: StoryInput, common: StoryCommon) -> StoryInput:
    gazetteer, figures, is_figure, calendar = common
    return replace(
        story, gazetteer=gazetteer, figures=figures, is_figure=is_figure, calendar=calendar
    )


@dataclass(slots=True)
class Facts:
    outlet: dict[int, str | None] = field(default_factory=dict)
    kind: dict[int, str | None] = field(default_factory=dict)
    credits: dict[int, set[str]] = field(default_factory=dict)  # outlet ids credited as source
    self_report: dict[int, bool] = field(default_factory=dict)
    teaser: dict[int, bool] = field(default_factory=dict)
    # (out no earlier than, written no later than), read off the page (naql.provenance.published)
    window: dict[int, Window] = field(default_factory=dict)

    def name(self, story: StoryInput, outlet: str | None) -> str | None:
        """An outlet's display name (the gazetteer's), or the id when the gazetteer lacks it."""
        if outlet is None:
            return None
        known = story.gazetteer.outlets.get(outlet)
        return known.name if known else outlet


def is_teaser(article: Article) -> bool:
    """A page that stops at «المزيد....» / "Read more" is an excerpt of a longer original."""
    tail = normalize(article.text.rstrip()[-40:])
    if TEASER.search(tail):
        return True
    return any("more" in drop.reason or "المزيد" in drop.reason for drop in article.dropped)


def gather(story: StoryInput) -> Facts:
    facts = Facts()
    for k in story.members:
        article = story.articles[k]
        outlet_id = own_outlet_id(article, story.gazetteer)
        facts.outlet[k] = outlet_id
        known = story.gazetteer.outlets.get(outlet_id) if outlet_id else None
        facts.kind[k] = known.kind if known else None
        found = story.attributions.get(k, [])
        facts.credits[k] = {a.outlet for a in found if a.role == "source"}
        facts.self_report[k] = any(
            a.role == "self" and a.where == "text" and a.cue in RECIPIENT_CUES for a in found
        )
        facts.teaser[k] = is_teaser(article)
        facts.window[k] = window(article, known, story.trust_dates)
    return facts


def coverage(tokens: Tokens, ranges: list[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros(len(tokens), dtype=bool)
    for start, end in ranges:
        mask[start : end + 1] = True
    return mask


def side_ranges(passages: list[TokenPassage], first_side: bool) -> list[tuple[int, int]]:
    return [(p.i0, p.i1) if first_side else (p.j0, p.j1) for p in passages]


class Pairs:
    """Token coverage of each article by its passages with each other member."""

    def __init__(self, story: StoryInput) -> None:
        self.story = story
        self._cache: dict[tuple[str, int], np.ndarray] = {}
        self._figures: dict[int, Figures] = {}
        self.cover: dict[tuple[int, int], np.ndarray] = {}
        for (a, b), found in story.passages.items():
            self.cover[(a, b)] = coverage(story.tokens[a], side_ranges(found, True))
            self.cover[(b, a)] = coverage(story.tokens[b], side_ranges(found, False))

    def of(self, article: int, partner: int) -> np.ndarray:
        return self.cover.get(
            (article, partner), np.zeros(len(self.story.tokens[article]), dtype=bool)
        )

    def cached(self, key: tuple[str, int], compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A per-article array computed once per story (an article meets many partners)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def figures(self, article: int) -> Figures:
        """The article's figures, in text order (asked of each partner it meets)."""
        if article not in self._figures:
            story, ids = self.story, self.story.tokens[article].ids
            self._figures[article] = Figures(
                [story.figures[i] for i in ids[story.is_figure[ids]].tolist()]
            )
        return self._figures[article]

    def ranges(self, article: int, partner: int) -> list[tuple[int, int]]:
        """The token ranges of ``article``'s passages with ``partner``."""
        key = (min(article, partner), max(article, partner))
        return side_ranges(self.story.passages.get(key, []), article == key[0])

    def with_any(self, article: int, others: Iterable[int]) -> np.ndarray:
        """Which of ``article``'s tokens its passages with any of ``others`` cover."""
        mask = np.zeros(len(self.story.tokens[article]), dtype=bool)
        for other in others:
            if other != article:
                mask |= self.of(article, other)
        return mask

    def shared_words(self, a: int, b: int) -> int:
        """Content words the two share, counted on the side that has fewer."""
        return min(self.words(a, self.of(a, b)), self.words(b, self.of(b, a)))

    def words(self, article: int, mask: np.ndarray) -> int:
        return int((mask & ~self.story.tokens[article].stop).sum())

    def share(self, article: int, mask: np.ndarray) -> float:
        content = ~self.story.tokens[article].stop
        total = int(content.sum())
        return float((mask & content).sum() / total) if total else 0.0

"""Stories: articles grouped by the event they report.

Two kinds of evidence link two articles:

- **reuse**: they share passages (from :mod:`naql.align`); the larger the share of either
  article, the stronger the link;
- **topic**: the cosine of their TF-IDF vectors over content stems (sublinear term frequency,
  smoothed IDF), with numbers (figures, dates) and places weighted up because they pin an event
  down; articles dated too far apart are not linked by topic. A rewrite that shares few
  verbatim words still shares the event's rarer words. (Named entities are not recognised — no
  Arabic NER model ships in a package that runs here; IDF weighting carries names instead.)
  The vectors and cosines are :mod:`naql.stories.topical`'s.

Articles are then clustered by average linkage (UPGMA) over that sparse similarity graph: two
groups merge only while the mean similarity over ALL their cross pairs stays above the
threshold. That is what keeps "a different event about the same people" apart: it shares a few
names with each article of the story, never enough on average, and one bridge article cannot
chain two stories together.

A page that runs two items (a roundup, a business page with a second story appended) shares
text with the articles of each: its first item's with some, a later item's with others, in
parts of the page that do not overlap, and the two sets of partners have nothing to do with
each other (no shared text, no topical link). Its reuse links to the later item's partners
then tie the page's own event to another one, and, averaged over both stories, keep either
from holding together; the page stays with its first item (the headline's and the lead's
event) and links to the others by topic only (:func:`later_item_links`).
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from naql.arrays import changes
from naql.records import Alignment, Article
from naql.stories.days import reported_days
from naql.stories.items import Block, page_items
from naql.stories.topical import tfidf, topical_similarity
from naql.text import Tokens
from naql.text.tokens import document_frequency

if TYPE_CHECKING:  # align imports config, which imports this module's StoryConfig
    from naql.align import TokenPassage


@dataclass(slots=True, frozen=True, kw_only=True)
class StoryConfig:
    # Mean similarity two groups need to merge. Seed rewrites of one event score 0.3-0.6 with
    # each other; reports of another event about the same people 0.05-0.2.
    threshold: float = 0.25
    # Reuse link strength: a pair whose shared passages cover this share of either article
    # counts as fully linked (1.0); less scales down linearly from `reuse_floor`. A third of an
    # article shared is not near-proof of one event: a ministry's formula or an agency's
    # background paragraph is as long. Measured on the hand-read SaudiNewsNet pairs (was 0.3
    # and 0.3, with half for `rerun_link_share`): different events kept apart 0.914 -> 0.931,
    # same events together 0.863 either way; with the phrase index on, which finds much more
    # of that wording, the old values kept 0.845 of the different events apart, these 0.914.
    reuse_full: float = 0.7
    reuse_floor: float = 0.1
    # Topic links only between articles dated at most this far apart (when both have dates);
    # reuse links too, unless one article is mostly the other (a re-run days later).
    max_days: float = 3.0
    # ... and in stories topic links at most this far apart: vocabulary shared two or three
    # days on is the next development's (an arrival and the next day's joint statement, a deal
    # in talks and its signing, one city's passport office and another's), while a copy's
    # shared text still links it up to `max_days` (a paper's print edition of an agency item),
    # and pairs up to `max_days` apart are still aligned. Read on SaudiNewsNet
    # (tests/data/saudinewsnet_story_samples.md): of the pairs a 2-day window split, 29 of 30
    # were two events, and of those 1.5 days split beyond it, 28 of 30; the hand-read pairs
    # were unchanged (none of their same-event pairs linked by topic alone is over 1.25 days
    # apart), and at 1 day two of those were lost.
    topic_days: float = 1.5
    rerun_share: float = 0.8
    # ... but a pair days apart that the formula test let through (see `fresh_terms`) still
    # links by shared text when nearly all of one article is the other's: a feature re-running
    # a week-old report. Half was enough until the phrase index found the short items cast in
    # a stock formula days apart (a drone-overflight statement, a trial's adjournment), 80-90 %
    # of them the formula. Set on the hand-read SaudiNewsNet pairs.
    rerun_link_share: float = 0.9
    # Pairs whose topical similarity is computed: those sharing rarer stems, admitted rarest
    # first within this many term co-occurrences (keeps the product sub-quadratic).
    product_budget: int = 20_000_000
    # ... and per text beyond that, for the same reason as CandidateConfig.seeds_per_text (650
    # x SaudiNewsNet's 30,676 articles is under the 20 M floor).
    product_per_text: int = 650
    number_weight: float = 2.0
    place_weight: float = 1.5
    # Topical pairs below this similarity are not kept (they cannot bring two groups together).
    min_pair: float = 0.1
    # A pair whose rare-stem part of the cosine is below this is not looked at further.
    min_partial: float = 0.02
    # Shared text links two articles as one event only when what each adds is alike too: with
    # at least `fresh_terms` terms of its own on each side whose cosine is below `fresh_cosine`,
    # the shared text is a formula (a club's training-report boilerplate, a forecast's
    # wording, an agency's background paragraph) and the two report different days. Set on
    # the hand-read SaudiNewsNet pairs (tests/data/saudinewsnet_pairs.md).
    fresh_terms: int = 20
    fresh_cosine: float = 0.15
    # Pairs sharing `top_shared` of the `top_terms` heaviest terms of each text are candidates
    # too (see _top_term_pairs); terms among the heaviest of over `top_max_docs` texts are not.
    top_terms: int = 10
    top_shared: int = 2
    top_max_docs: int = 400
    # A run of one to `roundup_lines` paragraphs of a page (not its lead) whose mean cosine to
    # another story's members reaches `roundup_join`, and is `roundup_over_own` times its mean
    # to the page's own story, is cut into a part that joins that story
    # (naql.stories.roundups). At 0.25, the stories' own threshold, a run found a story of its
    # topic's everywhere: 6,800 SaudiNewsNet pages, and different events kept apart fell to
    # 0.74-0.86 on the hand-read pairs; at 0.4 and 1.5 they stay as they were.
    roundup_join: float = 0.4
    roundup_over_own: float = 1.5
    roundup_lines: int = 3
    # ... read only where the whole page is linked this strongly to one of the story's
    # members: each run found over SaudiNewsNet without this bound came from a page linked
    # at least 0.16 to the story it joins, and the bound leaves a third of the links unread.
    roundup_link: float = 0.15


# (tokens, term weights, config, progress) -> the (rows, columns, cosines) of
# topical_similarity
Scored = Callable[
    [Sequence[Tokens], np.ndarray, "StoryConfig", Callable[[int, int], None] | None],
    tuple[np.ndarray, np.ndarray, np.ndarray],
]
# (texts, similarity, threshold, reported days, pairs never together) -> the groups of
# average_linkage
Linkage = Callable[
    [int, dict[tuple[int, int], float], float, dict[int, tuple[int, ...]], set[tuple[int, int]]],
    list[list[int]],
]


@dataclass(slots=True)
class StoryGroups:
    members: list[list[int]]  # article indices per story, largest story first
    similarity: dict[tuple[int, int], float] = field(default_factory=dict)
    # The day each article's lead names (naql.stories.days), by article index.
    days: dict[int, tuple[int, ...]] = field(default_factory=dict)


def formula_pairs(
    dates: Sequence[str | None],
    tokens: Sequence[Tokens],
    passages: dict[tuple[int, int], list[TokenPassage]],
    shares: dict[tuple[int, int], float],
    boost: np.ndarray,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None = None,
) -> set[tuple[int, int]]:
    """Pairs dated on different days whose shared text is a formula: each adds enough of its
    own and the additions are unalike (see ``StoryConfig.fresh_cosine``). A re-run (``shares``
    at least ``rerun_share``) is never one, nor are reports of one day (rewrites of one event
    add each its own background)."""
    found: set[tuple[int, int]] = set()
    inputs = formula_inputs(dates, tokens, passages, shares, boost)
    pairs = list(passages)
    for start in range(0, len(pairs), 4096):
        found.update(formulas_among(inputs, pairs[start : start + 4096], config))
        if progress is not None:
            progress(min(start + 4096, len(pairs)), len(pairs))
    return found


@dataclass(slots=True)
class FormulaInputs:
    """What :func:`formulas_among` reads: per article its day and tokens, per pair its
    passages and share, per stem its weight (:func:`formula_inputs`)."""

    days: list[date | None]
    tokens: Sequence[Tokens]
    passages: dict[tuple[int, int], list[TokenPassage]]
    shares: dict[tuple[int, int], float]
    weight: np.ndarray


def formula_inputs(
    dates: Sequence[str | None],
    tokens: Sequence[Tokens],
    passages: dict[tuple[int, int], list[TokenPassage]],
    shares: dict[tuple[int, int], float],
    boost: np.ndarray,
) -> FormulaInputs:
    """The formula test's inputs: each article's day, and per stem TF-IDF's weight over the
    pile's content words, times ``boost``."""
    days = [(found.date() if (found := _parse_date(doc)) else None) for doc in dates]
    df = document_frequency(tokens, len(boost), content=True)
    weight = (np.log((len(tokens) + 1) / (df + 1)) + 1.0) * boost
    return FormulaInputs(days, tokens, passages, shares, weight)


def may_be_formula(inputs: FormulaInputs, pair: tuple[int, int], config: StoryConfig) -> bool:
    """Whether the formula test looks at ``pair`` at all: not a re-run (most of one article
    shared), and two different days (one day's reports are rewrites adding each its own
    background)."""
    a, b = pair
    if inputs.shares.get(pair, 0.0) >= config.rerun_share:
        return False
    days = inputs.days
    return days[a] is not None and days[b] is not None and days[a] != days[b]


def formulas_among(
    inputs: FormulaInputs, pairs: Sequence[tuple[int, int]], config: StoryConfig
) -> list[tuple[int, int]]:
    """The formula pairs (see :func:`formula_pairs`) among ``pairs``: each pair is judged on
    its own, so any split of the pairs finds the same."""
    tokens, weight = inputs.tokens, inputs.weight
    found = []
    for a, b in pairs:
        if not may_be_formula(inputs, (a, b), config):
            continue
        group = inputs.passages[(a, b)]
        fresh_a = _fresh(tokens[a], [(p.i0, p.i1) for p in group], weight)
        fresh_b = _fresh(tokens[b], [(p.j0, p.j1) for p in group], weight)
        if min(len(fresh_a[0]), len(fresh_b[0])) < config.fresh_terms:
            continue
        # Both sorted and distinct: their common ids by a binary search, in ascending order
        # as np.intersect1d gives them (it sorts both again).
        at = np.searchsorted(fresh_b[0], fresh_a[0]).clip(max=len(fresh_b[0]) - 1)
        in_a = np.flatnonzero(fresh_b[0][at] == fresh_a[0])
        in_b = at[in_a]
        dot = float((fresh_a[1][in_a] * fresh_b[1][in_b]).sum())
        norm = float(np.sqrt((fresh_a[1] ** 2).sum() * (fresh_b[1] ** 2).sum()))
        if dot < config.fresh_cosine * norm:
            found.append((a, b))
    return found


def _fresh(
    doc: Tokens, ranges: list[tuple[int, int]], weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A text's own terms (outside the shared ranges) and their TF-IDF weights."""
    own = ~doc.stop
    for start, end in ranges:
        own[start : end + 1] = False
    values = np.sort(doc.ids[own])
    first = np.flatnonzero(changes(values))  # np.unique's ids and counts, without its machinery
    ids = values[first]
    counts = np.diff(first, append=len(values))
    return ids, (1.0 + np.log(counts)) * weight[ids]


@functools.lru_cache(maxsize=65_536)
def _parse_date(value: str | None) -> datetime | None:
    """A date string as a datetime; remembered, since stories and provenance ask about each
    article's date several times (strptime is ~35 µs a call: 4 s on SaudiNewsNet uncached)."""
    if not value:
        return None
    text = value.strip().replace("T", " ").rstrip("Z")
    if len(text) >= 19 and text[4] == "-" and text[10] == " " and text[13] == ":":
        # The common full stamp, read in C; strptime reads it the same (its fields are all
        # two digits here) at 20x the cost.
        try:
            return datetime.fromisoformat(text[:19])
        except ValueError:
            pass
    for size, pattern in ((19, "%Y-%m-%d %H:%M:%S"), (16, "%Y-%m-%d %H:%M"), (10, "%Y-%m-%d")):
        try:
            return datetime.strptime(text[:size], pattern)
        except ValueError:
            continue
    return None


def article_similarity(
    articles: Sequence[Article],
    tokens: Sequence[Tokens],
    boost: np.ndarray,
    config: StoryConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    scored: Scored | None = None,
) -> dict[tuple[int, int], float]:
    """Topical similarity of article pairs (i < j) worth keeping, dated pairs too far apart out.

    ``boost`` holds a weight per stem id (:func:`term_weights`); ``progress(done, total)`` is
    told of the candidate pairs scored. ``scored`` gives what :func:`topical_similarity` of
    :func:`tfidf` gives, its own way (a backend's)."""
    config = config or StoryConfig()
    if scored is not None:
        rows, cols, values = scored(tokens, boost, config, progress)
    else:
        rows, cols, values = topical_similarity(
            tfidf(tokens, len(boost), boost, config), config, progress
        )
    stamps = np.array(
        [
            stamp.timestamp() if (stamp := _parse_date(article.date)) else np.nan
            for article in articles
        ],
        dtype=float,
    )
    near = ~(np.abs(stamps[rows] - stamps[cols]) > config.max_days * 86400)  # NaN: near
    return dict(zip(zip(rows[near].tolist(), cols[near].tolist()), values[near].tolist()))


def group_stories(
    articles: Sequence[Article],
    alignments: Sequence[Alignment],
    topical: dict[tuple[int, int], float],
    config: StoryConfig | None = None,
    linkage: Linkage | None = None,
    apart: set[tuple[int, int]] | None = None,
    listed: set[tuple[int, int]] | None = None,
) -> StoryGroups:
    """Average-linkage stories over topical similarity and reuse links (see the module doc).
    ``linkage`` is :func:`average_linkage` or what gives its groups (a backend's, by
    components). ``apart``: pairs ``(i, j)``, ``i < j``, never in one story (another day's
    bulletin: :mod:`naql.slots`). ``listed``: pairs whose alignment is only names shared in no
    order (:func:`naql.pairs.word_lists`), linked like topic: within ``topic_days``."""
    config = config or StoryConfig()
    index = {article.id: k for k, article in enumerate(articles)}
    dates = [_parse_date(article.date) for article in articles]
    topical = _within_days(topical, dates, config.topic_days)
    similarity = dict(topical)
    later = later_item_links(index, alignments, topical)
    for alignment in alignments:
        i, j = sorted((index[alignment.a], index[alignment.b]))
        if (i, j) in later:
            continue
        share = max(alignment.a_share, alignment.b_share)
        first, second = dates[i], dates[j]
        far = _apart_in_time(first, second, config.max_days)
        if far and share < config.rerun_link_share:
            continue  # shared wording days apart (a daily market report's formula): another event
        if listed and (i, j) in listed and _apart_in_time(first, second, config.topic_days):
            continue  # the same names, in sentences of each one's own: a topic link, no nearer
        reuse = min(1.0, config.reuse_floor + (1 - config.reuse_floor) * share / config.reuse_full)
        similarity[(i, j)] = max(similarity.get((i, j), 0.0), reuse)
    days = reported_days(
        [article.text for article in articles], dates, [article.title for article in articles]
    )
    members = (linkage or average_linkage)(
        len(articles), similarity, config.threshold, days, apart or set()
    )
    return StoryGroups(members, similarity, days)


def _apart_in_time(first: datetime | None, second: datetime | None, days: float) -> bool:
    """Both dated, and more than ``days`` apart."""
    return bool(first and second and abs((first - second).total_seconds()) > days * 86400)


def _within_days(
    links: dict[tuple[int, int], float], dates: Sequence[datetime | None], days: float
) -> dict[tuple[int, int], float]:
    """``links`` without the pairs whose two articles are both dated and over ``days`` apart."""
    if not links:
        return links
    stamps = np.array([d.timestamp() if d else np.nan for d in dates], dtype=float)
    pairs = np.fromiter(
        (k for pair in links for k in pair), dtype=np.int64, count=2 * len(links)
    ).reshape(-1, 2)
    far = np.abs(stamps[pairs[:, 0]] - stamps[pairs[:, 1]]) > days * 86400  # NaN: near
    if not far.any():
        return links
    return {pair: value for pair, value, out in zip(links, links.values(), far.tolist()) if not out}


def later_item_links(
    index: dict[str, int],
    alignments: Sequence[Alignment],
    topical: dict[tuple[int, int], float],
) -> set[tuple[int, int]]:
    """Pairs (i < j) whose shared text is a later item of a page that runs two or more (see
    the module doc): each partner's passages span one block of the page; blocks that overlap
    are one item; a page has items when no partner of one shares text or a topical link with
    a partner of another. Links to partners of any item but the first are returned."""
    related = set(topical)
    blocks: dict[int, list[Block]] = {}
    for alignment in alignments:
        i, j = index[alignment.a], index[alignment.b]
        related.add((min(i, j), max(i, j)))
        for page, partner, spans in (
            (i, j, [p.a_span for p in alignment.passages]),
            (j, i, [p.b_span for p in alignment.passages]),
        ):
            if spans:
                start, end = min(s.start for s in spans), max(s.end for s in spans)
                blocks.setdefault(page, []).append((start, end, partner))
    found: set[tuple[int, int]] = set()
    for page, items in page_items(blocks, related).items():
        found.update((min(page, p), max(page, p)) for _, _, partners in items[1:] for p in partners)
    return found


def story_id(number: int) -> str:
    """The id of the story at ``number`` (from 0) in the groups' order: «s1», «s2», ..."""
    return f"s{number + 1}"


def representatives(groups: StoryGroups, titled: Sequence[bool] | None = None) -> list[int]:
    """Per story, its most central member: the largest summed similarity to the others (the
    lowest index among equals), whose headline labels the story. With ``titled`` (per
    article), a member with a headline comes first: a later item cut from a roundup has none,
    and its first line opens mid-page («في غضون ذلك، ...»)."""
    found = []
    for members in groups.members:
        centrality = {
            k: sum(groups.similarity.get((min(k, o), max(k, o)), 0.0) for o in members if o != k)
            for k in members
        }
        found.append(
            max(
                members,
                key=lambda k: (titled is None or titled[k], centrality[k], -k),
            )
        )
    return found


def average_linkage(
    count: int,
    similarity: dict[tuple[int, int], float],
    threshold: float,
    days: dict[int, tuple[int, ...]] | None = None,
    apart: set[tuple[int, int]] | None = None,
    nodes: Sequence[int] | None = None,
) -> list[list[int]]:
    """UPGMA on a sparse graph: a missing pair has similarity 0. With ``nodes`` (ascending),
    over those alone, ``similarity`` holding pairs among them only.

    ``days`` (:func:`naql.stories.days.reported_days`) are cannot-links: two groups that both
    hold articles naming their day merge only when one of those days is named in both (a
    night names two, so Friday evening's report and Saturday dawn's meet). One day's gold
    report and the next share their topic and their wire background, and link as strongly as
    two rewrites of one; the day each names tells them apart. ``apart`` are cannot-links of
    articles: no group holds both of a pair. A template's own link is dropped, but the
    articles around it can still tie one day's forecast and the next into one story; the
    words filling the formula's slots say they are two.

    Two groups merge only when some pair across them reaches ``threshold`` (a mean reaches
    it only then), so the groups of each connected component of the graph of such pairs,
    with the component's own pairs in their order here, are the groups of the whole: what
    lets a graph too big for one machine be grouped a component at a time."""
    nodes = range(count) if nodes is None else nodes
    members: dict[int, list[int]] = {k: [k] for k in nodes}
    told = {k: frozenset(days[k]) for k in nodes if k in days} if days else {}
    banned: dict[int, set[int]] = {}  # per group, the articles none of its members may join
    for a, b in apart or ():
        banned.setdefault(a, set()).add(b)
        banned.setdefault(b, set()).add(a)
    links: dict[int, dict[int, float]] = {k: {} for k in nodes}  # summed similarity
    heap: list[tuple[float, int, int]] = []
    for (i, j), value in similarity.items():
        links[i][j] = links[i].get(j, 0.0) + value
        links[j][i] = links[j].get(i, 0.0) + value
    for i in links:
        for j, total in links[i].items():
            if i < j and total >= threshold:
                heapq.heappush(heap, (-total, i, j))
    while heap:
        negative, i, j = heapq.heappop(heap)
        if i not in members or j not in members:
            continue
        mean = links[i].get(j, 0.0) / (len(members[i]) * len(members[j]))
        if not math.isclose(-negative, mean) and -negative > mean:
            if mean >= threshold:
                heapq.heappush(heap, (-mean, i, j))
            continue
        if mean < threshold:
            continue
        if i in told and j in told and told[i].isdisjoint(told[j]):
            continue
        if i in banned and not banned[i].isdisjoint(members[j]):
            continue  # cannot-links are symmetric: one side's look is enough
        # Merge j into i: sums add up, so means over all cross pairs stay exact.
        members[i].extend(members.pop(j))
        if j in told:
            told[i] = told.pop(j) | told.get(i, frozenset())
        if j in banned:
            banned[i] = banned.pop(j) | banned.get(i, set())
        for other, total in links.pop(j).items():
            links[other].pop(j, None)
            if other == i:
                continue
            links[i][other] = links[i].get(other, 0.0) + total
            links[other][i] = links[i][other]
        links[i].pop(i, None)
        for other, total in links[i].items():
            merged_mean = total / (len(members[i]) * len(members[other]))
            if merged_mean >= threshold:
                heapq.heappush(heap, (-merged_mean, min(i, other), max(i, other)))
    groups = [sorted(group) for group in members.values()]
    return sorted(groups, key=lambda group: (-len(group), group[0]))

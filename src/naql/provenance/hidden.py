"""Hidden sources: texts not in the pile that must exist.

Two ways to know one:

- **credited**: two or more articles credit the same outlet X and share passages that no article
  of X in the pile accounts for (X is absent, or present only as a truncated teaser): X's full
  text must exist («الشرق الأوسط (full version, not in the pile)»).
- **common source**: two articles share passages and each has, INSIDE them, material the other
  lacks — a figure, a clause, a fuller title. A copy can drop words from its source and change a
  few, but it cannot know a figure or a clause its source never had: neither article can be the
  other's only source, both took the passage from a third text (most often one press release or
  wire item run by both). Pairs judged so are grouped (one release run by four papers is one
  node), and the node is named when the evidence says whose it is: an agency's fuller version
  when the agency's own item is among them (its shorter cut) and nobody credits anyone else; an
  outlet all the group credit; otherwise "a text not in the pile behind A and B". The pages'
  own dates (:mod:`~naql.provenance.published`) make a common source too, whatever each side
  has: two pages each written before the other was out, or a paper written before an agency's
  item was out (agencies do not re-run papers; such a node is never the agency's version).
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np

from naql.arrays import changes, found_in
from naql.provenance.facts import Facts, Pairs, StoryInput
from naql.provenance.published import predates
from naql.records import HiddenSource, Passage, Span
from naql.text import Vocabulary, words
from naql.text.weekdays import ARABIC_WEEKDAYS, LATIN_WEEKDAYS

MIN_HIDDEN_WORDS = 10  # shared words no pile article explains, before a hidden source is inferred
# A run of this many content words one side alone has inside a shared passage is a clause or a
# fuller title («وزير الخارجية البحريني الشيخ خالد بن أحمد» against «وزير الخارجية»); shorter
# runs are the edits a copier makes (a swapped verb, «اليوم» for «أمس»). Read off the hand-read
# SaudiNewsNet pairs: no re-run of agency copy there has a 3-word run on both sides.
MIN_CLAUSE = 3
# A dateline («الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس») or a weekday is how an
# outlet stamps its copy, not material of the story: these words and day, month and year
# numbers are never counted as what one side alone has.
CALENDAR = """
يناير فبراير مارس ابريل أبريل مايو يونيو يوليو اغسطس أغسطس سبتمبر اكتوبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر ربيع جمادى رجب شعبان رمضان شوال
القعدة الحجة ذي هـ م الموافق أمس اليوم غدا غداً واس
january february march april may june july august september october november december
yesterday today
""" + " ".join([*ARABIC_WEEKDAYS, *LATIN_WEEKDAYS])


def calendar_stems(vocabulary: Vocabulary) -> np.ndarray:
    """Per stem id: a calendar word, or a number that reads as a day, a month or a year."""
    ids, _ = vocabulary.encode(words(CALENDAR).forms)
    mask = np.zeros(len(vocabulary), dtype=bool)
    mask[ids] = True
    for stem_id, stem in enumerate(vocabulary.stems):
        if stem.isdigit() and (
            len(stem) <= 2 or (len(stem) == 4 and stem[:2] in ("14", "19", "20"))
        ):
            mask[stem_id] = True
    return mask


def credited_sources(
    story: StoryInput, facts: Facts, pairs: Pairs
) -> list[tuple[HiddenSource, set[int], set[int]]]:
    """(node, the crediting articles it feeds, the outlet's own excerpts it explains)."""
    found = []
    credited = sorted({outlet for k in story.members for outlet in facts.credits[k]})
    for outlet in credited:
        crediting = [
            k for k in story.members if outlet in facts.credits[k] and facts.outlet[k] != outlet
        ]
        # A re-run that credits another of them, whose text it shares, took the credit with
        # that text (a paper re-running SPA's item «نقلا عن شينخوا», by-lined «واس»): its
        # source is that article, which the direction vote draws, not the outlet behind it.
        crediting = [
            k
            for k in crediting
            if not any(
                m != k
                and facts.outlet[m] in facts.credits[k]
                and facts.outlet[k] not in facts.credits[m]
                and (min(k, m), max(k, m)) in story.passages
                for m in crediting
            )
        ]
        own = [k for k in story.members if facts.outlet[k] == outlet]
        if len(crediting) < 2 or any(not facts.teaser[k] for k in own):
            continue  # a complete article of the outlet is in the pile: it can be the source
        evidence: list[Passage] = []
        fed: set[int] = set()
        for c1, c2 in combinations(crediting, 2):
            key = (min(c1, c2), max(c1, c2))
            if key not in story.passages:
                continue
            explained_1 = pairs.with_any(c1, own)
            explained_2 = pairs.with_any(c2, own)
            unexplained = min(
                pairs.words(c1, pairs.of(c1, c2) & ~explained_1),
                pairs.words(c2, pairs.of(c2, c1) & ~explained_2),
            )
            if unexplained >= MIN_HIDDEN_WORDS:
                fed |= {c1, c2}
                evidence.extend(story.to_passage(p) for p in story.passages[key])
        if not fed:
            continue
        name = facts.name(story, outlet)
        ids = ", ".join(story.articles[k].id for k in sorted(fed))
        if own:
            reason = (
                f"{ids} credit «{name}» and share passages absent from its truncated teaser "
                f"{', '.join(story.articles[k].id for k in own)}: they used its full version"
            )
        else:
            reason = f"{ids} credit «{name}» and share passages no article in the pile accounts for"
        node = HiddenSource(
            id=f"hidden:{outlet}",
            outlet=outlet,
            name=f"{name} (full version, not in the pile)",
            reason=reason,
            explains=[story.articles[k].id for k in sorted(fed | set(own))],
            evidence=evidence,
        )
        found.append((node, set(crediting) | fed, set(own)))
    return found


def alone_in_shared(x: int, y: int, story: StoryInput, pairs: Pairs) -> list[tuple[int, int]]:
    """Token ranges (inclusive) of what ``x`` alone has inside its passages with ``y``: each
    figure ``y`` never gives, and each run of ``MIN_CLAUSE``+ content words ``y`` never uses."""
    tx, ty = story.tokens[x], story.tokens[y]
    ranges = pairs.ranges(x, y)
    if not ranges:
        return []
    keep = np.zeros(len(tx), dtype=bool)
    for start, end in ranges:
        keep[start : end + 1] = True
    keep &= pairs.cached(("material", x), lambda: _material(x, story))
    positions = np.flatnonzero(keep)
    if not len(positions):
        return []
    ids = tx.ids[positions]
    theirs = pairs.cached(("content", y), lambda: np.unique(ty.ids[~ty.stop]))
    absent = ~found_in(ids, theirs)
    found: list[tuple[int, int]] = []
    figure_at = (
        np.flatnonzero(story.is_figure[ids]) if len(story.is_figure) else np.zeros(0, np.int64)
    )
    if len(figure_at):
        # In text order: «627,006» is two tokens whose run must read «627006».
        their_figures = pairs.figures(y)
        for k in figure_at.tolist():
            absent[k] = not their_figures.holds(story.figures[int(ids[k])])
            if absent[k]:
                found.append((int(positions[k]), int(positions[k])))
    # Runs of absent content words inside one passage (function words do not break a run).
    which = np.searchsorted(sorted(start for start, _ in ranges), positions, side="right")
    run_id = np.cumsum(changes(which) | _after(~absent))[absent]
    where = positions[absent]
    # run_id never decreases: each run's first position and length are where it changes.
    first = np.flatnonzero(changes(run_id))
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1:] = len(run_id) - 1
    for begin, end in zip(first.tolist(), last.tolist()):
        if end - begin + 1 >= MIN_CLAUSE:
            found.append((int(where[begin]), int(where[end])))
    return sorted(set(found))


def _after(mask: np.ndarray) -> np.ndarray:
    """Per position: ``mask`` at the one before (False at the first)."""
    out = np.zeros(len(mask), dtype=bool)
    out[1:] = mask[:-1]
    return out


def _material(k: int, story: StoryInput) -> np.ndarray:
    """Per token of article ``k``: a content word of the story, not of its stamp or a date."""
    tokens = story.tokens[k]
    material = ~tokens.stop & ~_own_stamp(k, story)
    if len(story.calendar):
        material &= ~story.calendar[tokens.ids]
    return material


def _own_stamp(k: int, story: StoryInput, max_words: int = 12, lead: int = 5) -> np.ndarray:
    """Tokens on the lines where the article names its own outlet in a stamp — a short line, or
    one that opens with the name («رابط الخبر بصحيفة الوئام: <headline>», «عكاظ (الرياض)»):
    the outlet's stamp, not material of the story."""
    tokens, text = story.tokens[k], story.articles[k].text
    mask = np.zeros(len(tokens), dtype=bool)
    for credit in story.attributions.get(k, []):
        if credit.role != "self" or credit.where != "text":
            continue
        line_start = text.rfind("\n", 0, credit.span.start) + 1
        line_end = text.find("\n", credit.span.end)
        line_end = len(text) if line_end < 0 else line_end
        first = int(np.searchsorted(tokens.starts, line_start))
        last = int(np.searchsorted(tokens.starts, line_end))
        before = int(np.searchsorted(tokens.starts, credit.span.start)) - first
        if last - first <= max_words or before <= lead:
            mask[first:last] = True
    return mask


Judged = dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]]


def common_source_pairs(
    story: StoryInput, facts: Facts, pairs: Pairs, candidates: list[tuple[int, int]]
) -> Judged:
    """The pairs among ``candidates`` that took their shared text from a third one, with what
    each side alone has inside it (token ranges)."""
    judged: Judged = {}
    for a, b in candidates:
        if facts.outlet[a] is not None and facts.outlet[a] == facts.outlet[b]:
            continue  # one outlet's own texts (a series, a continuation): no third text needed
        if dated_apart(a, b, facts):
            judged[(a, b)] = (
                alone_in_shared(a, b, story, pairs),
                alone_in_shared(b, a, story, pairs),
            )
            continue
        wire = _agency_and_paper(a, b, facts)
        if wire is not None:
            agency, paper = wire
            # A paper that credits the agency re-ran this item (its own additions are its
            # own); one that credits nobody, with material inside the shared text that the
            # item lacks, did not take that material from the item: it drew on the agency's
            # fuller version or the release behind it. What the item alone has is the
            # agency's trimming of its own copy: only the paper's counts. Until stop 43 the
            # paper had also to be the longer and to share half the item; but a paper trims a
            # release's other paragraphs and keeps a clause the agency cut, and one quoting a
            # few lines with a clause of its own inside them did not take them from this cut
            # either. On the seven hand-read draws dropping both found 3 more of the 61
            # agency-and-paper common sources (52) and lost none of the 125 agency re-runs
            # (tests/data/saudinewsnet_pairs.md).
            if facts.credits[paper]:
                continue
            if found := alone_in_shared(paper, agency, story, pairs):
                alone = alone_in_shared(agency, paper, story, pairs)
                judged[(a, b)] = (alone, found) if agency == a else (found, alone)
            continue
        mine = alone_in_shared(a, b, story, pairs)
        if mine and (theirs := alone_in_shared(b, a, story, pairs)):
            judged[(a, b)] = (mine, theirs)
    return judged


def hang_common_sources(
    judged: Judged, graph: nx.DiGraph, story: StoryInput, facts: Facts, pairs: Pairs
) -> list[tuple[HiddenSource, set[int]]]:
    """Hidden common sources for the ``judged`` pairs, drawn into ``graph``: strongest pair
    first, a pair whose two articles already descend from one node (an agency item both re-ran,
    a common source drawn before) needs no node of its own; one that shares an article with a
    node drawn before joins it (one release run by four papers is one node)."""
    articles = story.articles
    nodes: list[tuple[HiddenSource, set[int]]] = []
    node_of: dict[int, int] = {}  # article -> index in nodes

    def lineage(k: int) -> set[str]:
        return nx.ancestors(graph, articles[k].id) | {articles[k].id}

    dated: dict[int, list[str]] = {}  # node index -> what the pages' dates say of its pairs
    alike: set[int] = set()  # nodes with a pair judged by what each side alone has
    order = sorted(judged, key=lambda pair: (-pairs.shared_words(*pair), pair))
    for a, b in order:
        if lineage(a) & lineage(b):
            continue
        joined = next((node_of[k] for k in (a, b) if k in node_of), None)
        if joined is None:
            joined = len(nodes)
            nodes.append(
                (
                    HiddenSource(
                        id=f"hidden:{story.story_id}.{joined + 1}",
                        outlet=None,
                        name="",
                        reason="",
                        explains=[],
                        evidence=[],
                    ),
                    set(),
                )
            )
        node, members = nodes[joined]
        for k, ranges in zip((a, b), judged[(a, b)]):
            tokens = story.tokens[k]
            spans = node.alone.setdefault(articles[k].id, [])
            for i, j in ranges:
                span = Span(int(tokens.starts[i]), tokens.end(j))
                if span not in spans:
                    spans.append(span)
            if k not in members:
                members.add(k)
                node_of[k] = joined
                graph.add_edge(node.id, articles[k].id)
        node.evidence.extend(story.to_passage(p) for p in story.passages[(a, b)])
        if why := dated_apart(a, b, facts):
            dated.setdefault(joined, []).append(
                f"{articles[a].id} and {articles[b].id}: {why}, by their pages' own dates"
            )
        else:
            alike.add(joined)
    for index, (node, members) in enumerate(nodes):
        ordered = sorted(members)
        node.outlet, node.name = _name(ordered, story, facts)
        node.explains = [articles[k].id for k in ordered]
        grounds: list[str] = []
        if index in alike:
            grounds.append(
                "each side of a pair has there what the other lacks (a figure, a clause, a "
                "fuller title)"
            )
        if index in dated:
            grounds.append(f"a copy is ruled out ({'; '.join(dated[index])})")
        node.reason = (
            f"{', '.join(node.explains)} share passages and none is another's source: "
            f"{'; and '.join(grounds)}; all took them from {node.name}"
        )
    return nodes


def dated_apart(a: int, b: int, facts: Facts) -> str | None:
    """Why the pages' own dates (:mod:`~naql.provenance.published`) rule out a copy either way,
    or None: each was written before the other was out (two print issues of one day), or a
    paper's text was written before an agency's item was out (agencies do not re-run papers:
    both ran the release behind the item)."""
    window = facts.window
    if predates(window[a], window[b]) and predates(window[b], window[a]):
        return "each was written before the other was out"
    wire = _agency_and_paper(a, b, facts)
    if wire is not None and predates(window[wire[1]], window[wire[0]]):
        written, out = window[wire[1]][1], window[wire[0]][0]
        return (
            f"the paper's text was written by {written:%Y-%m-%d}, before the agency's item "
            f"was out ({out:%Y-%m-%d})"
        )
    return None


def _agency_and_paper(a: int, b: int, facts: Facts) -> tuple[int, int] | None:
    """(the agency's item, the paper's article) when exactly one of the two is an agency's."""
    agencies = [k for k in (a, b) if facts.kind[k] == "agency"]
    if len(agencies) != 1:
        return None
    return (a, b) if agencies[0] == a else (b, a)


def _name(members: list[int], story: StoryInput, facts: Facts) -> tuple[str | None, str]:
    """Whose text the common source is, when the evidence says so: the agency whose item is
    among the members (its own item is a cut of it) when every other member shares text with
    that item and no member credits anyone else; an outlet all the members credit; otherwise
    nobody known."""
    items = [k for k in members if facts.kind[k] == "agency"]
    agencies = sorted({outlet for k in items if (outlet := facts.outlet[k]) is not None})
    credited = set().union(*(facts.credits[k] for k in members))
    # Every member must share text with the agency's item: a paper that shares only with
    # another paper of the group may have drawn on the release, not on the agency.
    with_item = all(
        any((min(k, i), max(k, i)) in story.passages for i in items)
        for k in members
        if k not in items
    )
    # A member written before the item was out did not draw on the agency's copy of it.
    before_item = any(
        predates(facts.window[k], facts.window[i]) for k in members for i in items if k != i
    )
    if len(agencies) == 1 and credited <= set(agencies) and with_item and not before_item:
        agency = agencies[0]
        return agency, f"{facts.name(story, agency)} (fuller version, not in the pile)"
    shared_credits = set.intersection(*(facts.credits[k] for k in members))
    named = sorted(o for o in shared_credits if o not in {facts.outlet[k] for k in members})
    if named:
        return named[0], f"{facts.name(story, named[0])} (not in the pile)"
    return None, f"a text not in the pile behind {_behind(members, story, facts)}"


SHOWN_OUTLETS = 4  # outlets named in a common source's name; its `explains` lists every article


def _behind(members: list[int], story: StoryInput, facts: Facts) -> str:
    """Who ran a common source nobody names, as a reader would say it: the outlets' names
    («عكاظ and الجزيرة (السعودية)», «5 articles: عكاظ, واس, …»), an article's id only where
    its outlet is unknown. The articles themselves are the node's ``explains``."""
    outlets: list[str] = []
    for k in members:
        outlet = facts.outlet[k]
        shown = (facts.name(story, outlet) if outlet else None) or story.articles[k].id
        if shown not in outlets:
            outlets.append(shown)
    if len(members) == 2:
        if len(outlets) == 1:
            return f"two articles of {outlets[0]}"
        return f"{outlets[0]} and {outlets[1]}"
    listed = ", ".join(outlets[:SHOWN_OUTLETS])
    more = len(outlets) - SHOWN_OUTLETS
    return f"{len(members)} articles: {listed}" + (f" and {more} more outlets" if more > 0 else "")

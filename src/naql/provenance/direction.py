"""Which way text went between two articles that share passages, as a vote of signals (weights
positive for A → B), each kept as evidence on the edge:

- ``date`` (±2): the earlier article, when both dates are known and trusted;
- ``published``: a veto, not a vote. When the pages' own dates (:mod:`~naql.provenance.published`:
  a print issue's URL, an agency's dateline, a crawl time) say the would-be copy was written
  before its source was out, it cancels the rest of the vote: the edge stays ``shared``;
- ``credit`` (±3): B credits A's outlet as a source («حسب الشرق الأوسط»);
- ``self-report`` (±1): A names itself as the recipient («مصادر لـ«الشرق الأوسط»» on Asharq
  Al-Awsat's own page): it is the outlet's own reporting;
- ``agency`` (±2): A is a news agency and B is not: papers re-run wire copy, not the reverse —
  unless B names another agency as its source and not A's (its wire copy is that agency's,
  which A may have run too);
- ``containment`` (±0.5): in the copier, the reused text is scattered among added material; in
  the original it is contiguous (the share of unshared words between the first and the last
  shared one, on each side). It only tips a vote: a copier cutting sentences out of its
  source's middle leaves the same layout the other way round, so it never decides alone.

A total of at least 1 either way decides the edge; otherwise it stays ``shared`` (direction
unknown) and says so. Siblings — two articles a decided third one is the source of, and which
share only what they both took from it — get no edge between them. Nor does a source whose
whole contribution another, larger source of the same copy accounts for, text the two sources
share (an agency's continuation item repeating its first part's lead): one source explains it.
"""

from __future__ import annotations

import numpy as np

from naql.provenance.facts import Facts, Pairs, StoryInput
from naql.provenance.published import predates
from naql.records import Signal
from naql.stories import _parse_date
from naql.text import Tokens

SIBLING_COVER = 0.8  # share of two siblings' common text that their common parent must account for

Decided = dict[tuple[int, int], tuple[float, list[Signal]]]


def interleave(tokens: Tokens, covered: np.ndarray) -> float:
    """Share of content words left unshared between the first and the last shared one."""
    inside = np.flatnonzero(covered)
    if not len(inside):
        return 0.0
    window = slice(inside[0], inside[-1] + 1)
    content = ~tokens.stop[window]
    total = int(content.sum())
    return float((content & ~covered[window]).sum() / total) if total else 0.0


def signals(a: int, b: int, story: StoryInput, facts: Facts, pairs: Pairs) -> list[Signal]:
    """Signals for ``a → b`` (positive weights) versus ``b → a`` (negative)."""
    articles = story.articles
    found: list[Signal] = []
    date_a, date_b = _parse_date(articles[a].date), _parse_date(articles[b].date)
    if date_a and date_b and story.trust_dates and date_a != date_b:
        earlier, weight = (a, 2.0) if date_a < date_b else (b, -2.0)
        found.append(
            Signal(
                "date",
                weight,
                f"{articles[earlier].id} is dated earlier ({min(date_a, date_b):%Y-%m-%d %H:%M})",
            )
        )
    for x, y, sign in ((a, b, 1.0), (b, a, -1.0)):
        outlet = facts.outlet[x]
        if outlet and outlet in facts.credits[y] and facts.outlet[y] != outlet:
            found.append(
                Signal(
                    "credit",
                    3.0 * sign,
                    f"{articles[y].id} credits «{facts.name(story, outlet)}», "
                    f"the outlet of {articles[x].id}",
                )
            )
        if facts.self_report[x] and not facts.self_report[y]:
            found.append(
                Signal(
                    "self-report",
                    1.0 * sign,
                    f"{articles[x].id} names itself as the recipient of its sources",
                )
            )
        if (
            facts.kind[x] == "agency"
            and facts.kind[y] not in (None, "agency")
            and not _credits_other_agency(y, facts.outlet[x], story, facts)
        ):
            found.append(Signal("agency", 2.0 * sign, f"{articles[x].id} is a news agency's copy"))
    spread_a = interleave(story.tokens[a], pairs.of(a, b))
    spread_b = interleave(story.tokens[b], pairs.of(b, a))
    if abs(spread_a - spread_b) >= 0.1:
        weight = 0.5 if spread_b > spread_a else -0.5
        copier, original = (b, a) if weight > 0 else (a, b)
        found.append(
            Signal(
                "containment",
                weight,
                f"shared text is interleaved with other material in {articles[copier].id} "
                f"({max(spread_a, spread_b):.0%} unshared in between) and contiguous in "
                f"{articles[original].id} ({min(spread_a, spread_b):.0%})",
            )
        )
    found.extend(_published(a, b, sum(signal.weight for signal in found), story, facts))
    return found


def _published(a: int, b: int, total: float, story: StoryInput, facts: Facts) -> list[Signal]:
    """Against a vote for a copy the pages' own dates rule out (the copy written before its
    source was out: a print issue's URL, an agency's dateline), a signal that cancels it. It
    never draws a copy by itself: of several papers that ran one release, the earlier one is
    not the others' source for being earlier."""
    for x, y, sign in ((a, b, 1.0), (b, a, -1.0)):
        if sign * total < 0 and predates(facts.window[x], facts.window[y]):
            written, out = facts.window[x][1], facts.window[y][0]
            return [
                Signal(
                    "published",
                    -total,
                    f"{story.articles[x].id} was written by {written:%Y-%m-%d}, before "
                    f"{story.articles[y].id} was out ({out:%Y-%m-%d}), by their pages' own dates: "
                    f"it did not copy it",
                )
            ]
    return []


def _credits_other_agency(y: int, outlet: str | None, story: StoryInput, facts: Facts) -> bool:
    """Whether ``y`` names another agency as its source and not ``outlet``: its wire copy is
    that agency's, which the agency item in the pile may have run too."""
    credited = facts.credits[y]
    if outlet in credited:
        return False
    known = story.gazetteer.outlets
    return any(other in known and known[other].kind == "agency" for other in credited)


def orient(a: int, b: int, total: float) -> tuple[int, int] | None:
    """(source, copy) of the pair (a, b) when its vote ``total`` (positive for a → b) decides
    it, else None."""
    if total >= 1:
        return a, b
    if total <= -1:
        return b, a
    return None


def source_of(parent: int, child: int, decided: Decided) -> bool:
    """Whether the vote on the pair drew ``parent`` → ``child``."""
    key = (min(parent, child), max(parent, child))
    return key in decided and orient(*key, decided[key][0]) == (parent, child)


def through_common_parent(a: int, b: int, decided: Decided, linked: set[int], pairs: Pairs) -> bool:
    """Whether a third article is a decided source of both ``a`` and ``b`` and accounts for
    what they share: then their overlap is inherited, not copied from one another."""
    common_a = pairs.of(a, b)
    common_b = pairs.of(b, a)
    for parent in linked - {a, b}:
        if source_of(parent, a, decided) and source_of(parent, b, decided):
            inherited_a = (common_a & pairs.of(a, parent)).sum() / max(common_a.sum(), 1)
            inherited_b = (common_b & pairs.of(b, parent)).sum() / max(common_b.sum(), 1)
            if inherited_a >= SIBLING_COVER and inherited_b >= SIBLING_COVER:
                return True
    return False


def redundant_source(source: int, target: int, sources: list[int], pairs: Pairs) -> bool:
    """Whether another of ``target``'s decided ``sources`` gave it more text, covering what
    ``source`` gave it, and shares that text with ``source``: then that one source explains
    the copy, and ``source`` is not drawn as a second."""
    given = pairs.of(target, source)
    size = pairs.words(target, given)
    if not size:
        return False
    for other in sources:
        if other == source or not pairs.words(source, pairs.of(source, other)):
            continue
        theirs = pairs.of(target, other)
        if pairs.words(target, theirs) > size and (
            pairs.words(target, given & theirs) >= SIBLING_COVER * size
        ):
            return True
    return False

"""Per article: wholly derived, partially derived or independent (METER's classes), or an
excerpt (its outlet's own text cut short), with its sources, their shares and what it added."""

from __future__ import annotations

import numpy as np

from naql.arrays import runs
from naql.provenance.facts import Facts, Pairs, StoryInput
from naql.records import SourceShare, Span, Verdict
from naql.text import Tokens

WHOLLY = 0.8  # METER: an article whose words are at least this much reused is wholly derived
MIN_ADDED_WORDS = 8  # shorter unshared stretches are edits, not added material


def verdict(
    k: int,
    story: StoryInput,
    facts: Facts,
    pairs: Pairs,
    parents: list[tuple[str, np.ndarray]],
    excerpt_of: str | None = None,
) -> Verdict:
    tokens = story.tokens[k]
    covered = np.zeros(len(tokens), dtype=bool)
    sources = []
    for node, mask in parents:
        covered |= mask
        sources.append(SourceShare(node, round(pairs.share(k, mask), 4)))
    share = pairs.share(k, covered)
    if excerpt_of is not None:
        # Its own outlet's text, cut short: not copied from anyone, yet not all there is.
        derivation = "excerpt"
    elif not parents:
        derivation = "independent"
    else:
        derivation = "wholly derived" if share >= WHOLLY else "partially derived"
    added = added_spans(tokens, covered) if parents and excerpt_of is None else []
    credited = sorted(
        {
            (
                story.gazetteer.outlets[a.outlet].name
                if a.outlet in story.gazetteer.outlets
                else a.name
            )
            for a in story.attributions.get(k, [])
            if a.role in ("source", "photo")
        }
    )
    return Verdict(
        article=story.articles[k].id,
        story=story.story_id,
        derivation=derivation,
        reused_share=round(share, 4),
        sources=sources,
        added=added,
        credits=credited,
    )


def added_spans(tokens: Tokens, covered: np.ndarray) -> list[Span]:
    """Runs of unshared tokens holding at least MIN_ADDED_WORDS content words, as text spans."""
    spans = []
    for start, end in zip(*runs(~covered)):
        if int((~tokens.stop[start:end]).sum()) >= MIN_ADDED_WORDS:
            spans.append(Span(int(tokens.starts[start]), tokens.end(end - 1)))
    return spans

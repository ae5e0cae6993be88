"""What two texts share, as records: passages in text offsets, each side's share, and the
evidence that a shared wording is a template (one formula, other figures or other places).

The aligner works in tokens (:class:`naql.align.TokenPassage`); everything a user reads about a
pair — the trace's alignments, a query's sources, PAN detections — is built here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from naql.align import TokenPassage
from naql.places import StemIndex, gazetteer, place_stems, places_disagree
from naql.records import Alignment, Article, Passage, Span
from naql.slots import slot_kinds, slot_positions, slots_disagree
from naql.stories.topical import number_stems
from naql.text import Tokens, Vocabulary
from naql.wording import figures_disagree, phrase_shares, reuse_kind

# Why a pair's shared wording is one formula of two events: (agreeing, compared) figures, the
# two places its slot names (A's, B's), or the slot words swapped in place ("slots", A's, B's).
Template = tuple[int, int] | tuple[str, str] | tuple[str, str, str]


def template_evidence(template: Template) -> tuple[str, str]:
    """What a template's evidence is called and what it says, in words: a template edge's
    signal inside a story, and the reason two stories are kept apart across them."""
    if len(template) == 3:
        return "slots", (
            f"same wording, other slots (another day's bulletin, another convict): "
            f"«{template[1]}» in one, «{template[2]}» in the other"
        )
    if isinstance(template[0], str):
        return "places", (
            f"same wording, other places: «{template[0]}» in one, «{template[1]}» in the other"
        )
    return "figures", (
        f"same wording, different figures: {template[0]} of {template[1]} numbers agree"
    )


def to_passage(passage: TokenPassage, a_id: str, b_id: str, a: Tokens, b: Tokens) -> Passage:
    kind, _ = reuse_kind(a, b, passage)
    return Passage(
        a=a_id,
        b=b_id,
        a_span=Span(int(a.starts[passage.i0]), a.end(passage.i1)),
        b_span=Span(int(b.starts[passage.j0]), b.end(passage.j1)),
        kind=kind,
        score=round(passage.density, 4),
        matched_words=passage.matched,
    )


@dataclass(slots=True)
class PassageMaker:
    """:func:`to_passage` for the texts of one trace: a picklable callable (a lambda is not),
    so that stories can be traced in other processes."""

    ids: Sequence[str] | Mapping[int, str]
    tokens: Sequence[Tokens] | Mapping[int, Tokens]

    def __call__(self, passage: TokenPassage) -> Passage:
        left, right = passage.left, passage.right
        return to_passage(
            passage, self.ids[left], self.ids[right], self.tokens[left], self.tokens[right]
        )

    def restricted(self, texts: Sequence[int]) -> PassageMaker:
        """The same for passages among ``texts`` alone, holding only theirs."""
        return PassageMaker({k: self.ids[k] for k in texts}, {k: self.tokens[k] for k in texts})


def token_share(content_before: np.ndarray, ranges: list[tuple[int, int]]) -> float:
    """Share of a text's content words inside the given inclusive token ranges;
    ``content_before[k]``: its content words before token k (:func:`content_before_of`)."""
    total = int(content_before[-1])
    if not total:
        return 0.0
    inside, reach = 0, -1  # ranges may overlap: count each token once
    for start, end in sorted(ranges):
        start = max(start, reach + 1)
        if end >= start:
            inside += int(content_before[end + 1] - content_before[start])
            reach = end
    return inside / total


def content_before_of(doc: Tokens) -> np.ndarray:
    return np.r_[0, np.cumsum(~doc.stop)]


@dataclass(slots=True)
class PairInputs:
    """What describing a pair reads of the pile."""

    # The pile's, or (on a Spark executor) those of the texts a chunk of pairs joins, by number.
    ids: Sequence[str] | Mapping[int, str]
    tokens: Sequence[Tokens] | Mapping[int, Tokens]
    texts: Sequence[str] | Mapping[int, str]
    stems: Sequence[str]
    is_number: np.ndarray  # per stem id: a figure
    places: StemIndex  # the places' stems (Places.stem_index)
    slot_kinds: np.ndarray  # per stem id: the kind of slot word it is (naql.slots)
    # Per text asked about, its place stems and where its slot words are: a text is in many
    # pairs.
    place_stems: dict[int, set[int]] = field(default_factory=dict)
    slot_at: dict[int, np.ndarray] = field(default_factory=dict)

    def places_of(self, k: int) -> set[int]:
        found = self.place_stems.get(k)
        if found is None:
            found = self.place_stems[k] = place_stems(self.tokens[k], self.places.mask)
        return found

    def forget(self) -> None:
        """Drop what was kept per text (it is asked again if needed)."""
        self.place_stems.clear()
        self.slot_at.clear()

    def slots_at(self, k: int) -> np.ndarray:
        found = self.slot_at.get(k)
        if found is None:
            found = self.slot_at[k] = slot_positions(self.tokens[k], self.texts[k], self.slot_kinds)
        return found

    @classmethod
    def of(
        cls, articles: Sequence[Article], tokens: Sequence[Tokens], vocabulary: Vocabulary
    ) -> PairInputs:
        is_number = number_stems(vocabulary)
        places = gazetteer().stem_index(tokens, vocabulary)
        return cls(
            [article.id for article in articles],
            tokens,
            [article.text for article in articles],
            vocabulary.stems,
            is_number,
            places,
            slot_kinds(vocabulary, is_number, places.mask),
        )


def template_of(
    shared: PairInputs, left: int, right: int, group: list[TokenPassage]
) -> Template | None:
    """Why the pair's shared wording is one formula told of two events, if it is: different
    figures (:func:`naql.wording.figures_disagree`), different places in one slot
    (:func:`naql.places.places_disagree`), or slot words of several kinds swapped in place
    (:func:`naql.slots.slots_disagree`: another day's bulletin, another convict's statement)."""
    a, b = shared.tokens[left], shared.tokens[right]
    figures = figures_disagree(a, b, group, shared.is_number, shared.stems)
    if figures is not None:
        return figures
    ranges = [(p.i0, p.i1, p.j0, p.j1) for p in group]
    texts = shared.texts
    whole = shared.places_of(left), shared.places_of(right)
    found = places_disagree(
        texts[left], texts[right], a, b, ranges, index=shared.places, whole=whole
    )
    if found is not None:
        return found
    swapped = slots_disagree(
        texts[left],
        texts[right],
        a,
        b,
        group,
        shared.slot_kinds,
        shared.stems,
        (shared.slots_at(left), shared.slots_at(right)),
    )
    return None if swapped is None else ("slots", *swapped)


def describe_pairs(
    shared: PairInputs, pairs: Sequence[tuple[tuple[int, int], list[TokenPassage]]]
) -> list[tuple[Alignment, Template | None]]:
    """Each pair's :class:`Alignment` (passages in text offsets, shares) and, when the shared
    wording is a template, the evidence (:func:`template_of`)."""
    ids, tokens = shared.ids, shared.tokens
    before: dict[int, np.ndarray] = {}

    def content_before(k: int) -> np.ndarray:
        found = before.get(k)
        if found is None:
            found = before[k] = content_before_of(tokens[k])
        return found

    return [
        (
            _alignment(ids, tokens, left, right, group, content_before),
            template_of(shared, left, right, group),
        )
        for (left, right), group in pairs
    ]


def redescribed(
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    before: tuple[list[tuple[int, int]], Sequence[Alignment], dict[tuple[int, int], Template]],
    new_index: Sequence[int],
    changed: set[int],
    shared: PairInputs,
) -> tuple[list[Alignment], dict[tuple[int, int], Template]]:
    """The records and template evidence of ``by_pair`` (in pair order) after the pile was
    renumbered (``new_index``: old index -> new) and the texts ``changed`` (new indices: pages
    cut into parts, :mod:`naql.stories.items`): a pair with a changed text is described again,
    the others keep what ``before`` (old pairs in order, their records, template evidence)
    holds for them."""
    old_pairs, alignments, templates = before
    kept: dict[tuple[int, int], Alignment] = {}
    kept_templates: dict[tuple[int, int], Template] = {}
    for (i, j), alignment in zip(old_pairs, alignments):
        key = (new_index[i], new_index[j])
        if key[0] not in changed and key[1] not in changed:
            kept[key] = alignment
            if (i, j) in templates:
                kept_templates[key] = templates[(i, j)]
    ordered = sorted(by_pair.items())
    again = [(pair, group) for pair, group in ordered if pair not in kept]
    for (pair, _), (alignment, found) in zip(again, describe_pairs(shared, again)):
        kept[pair] = alignment
        if found:
            kept_templates[pair] = found
    return [kept[pair] for pair, _ in ordered], kept_templates


def _alignment(
    ids: Sequence[str] | Mapping[int, str],
    tokens: Sequence[Tokens] | Mapping[int, Tokens],
    left: int,
    right: int,
    group: list[TokenPassage],
    content_before: Callable[[int], np.ndarray],
) -> Alignment:
    a, b = tokens[left], tokens[right]
    return Alignment(
        a=ids[left],
        b=ids[right],
        passages=[to_passage(p, ids[left], ids[right], a, b) for p in group],
        a_share=round(token_share(content_before(left), [(p.i0, p.i1) for p in group]), 4),
        b_share=round(token_share(content_before(right), [(p.j0, p.j1) for p in group]), 4),
    )


def word_lists(
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    tokens: Sequence[Tokens],
    min_phrase_share: float,
) -> dict[tuple[int, int], list[int]]:
    """Per pair (``by_pair`` in pair order, ``alignments`` its records), the passages whose words
    match out of order and share under ``min_phrase_share`` of their phrases
    (:func:`naql.wording.phrase_shares`): two reports naming the same teams, players or regions,
    not one text. A template's passages are never such: its formula is shared wording, however
    little of the passage it fills (a ministry's statement told of two incidents)."""
    if not min_phrase_share:
        return {}
    ordered_pairs = sorted(by_pair.items())
    unordered = [
        (n, k)
        for n, ((pair, group), alignment) in enumerate(zip(ordered_pairs, alignments, strict=True))
        if pair not in templates
        for k, record in enumerate(alignment.passages)
        if record.kind == "shuffled"
    ]
    shares = phrase_shares(tokens, tokens, [ordered_pairs[n][1][k] for n, k in unordered])
    found: dict[tuple[int, int], list[int]] = {}
    for (n, k), value in zip(unordered, shares.tolist()):
        if value < min_phrase_share:
            found.setdefault(ordered_pairs[n][0], []).append(k)
    return found


def shared_text(
    by_pair: dict[tuple[int, int], list[TokenPassage]],
    alignments: Sequence[Alignment],
    templates: dict[tuple[int, int], Template],
    shared: PairInputs,
    lists: dict[tuple[int, int], list[int]],
) -> tuple[
    dict[tuple[int, int], list[TokenPassage]], list[Alignment], dict[tuple[int, int], Template]
]:
    """``by_pair`` (in pair order, ``alignments`` its records) without the passages ``lists``
    names (:func:`word_lists`). A pair left without passages goes; one that lost some is
    described again."""
    if not lists:
        return by_pair, list(alignments), templates
    kept: dict[tuple[int, int], list[TokenPassage]] = {}
    records: dict[tuple[int, int], Alignment] = {}
    again: list[tuple[tuple[int, int], list[TokenPassage]]] = []
    for (pair, group), alignment in zip(sorted(by_pair.items()), alignments):
        dropped = lists.get(pair, ())
        text = [passage for k, passage in enumerate(group) if k not in dropped]
        if len(text) == len(group):
            kept[pair], records[pair] = group, alignment
        elif text:
            kept[pair] = text
            again.append((pair, text))
    found = dict(templates)
    for (pair, _), (alignment, template) in zip(again, describe_pairs(shared, again)):
        records[pair] = alignment
        found.pop(pair, None)
        if template:
            found[pair] = template
    pairs = sorted(kept)
    return (
        {pair: kept[pair] for pair in pairs},
        [records[pair] for pair in pairs],
        {pair: template for pair, template in found.items() if pair in kept},
    )

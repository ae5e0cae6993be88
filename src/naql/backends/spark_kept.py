"""What the tokenise job leaves on the executors, and the stages that read the texts there.

The tokenise job's chunks (the texts it was sent and what it made of them) stay on the
executors for the trace (:class:`Kept`), so the driver sends the corpus's texts out once:

- **credits** (:func:`read_credits`): each chunk of texts is zipped with the rest of its
  articles (outlet, title, dates, drops) and read where it is;
- **pairs** (:func:`describe`): each chunk of aligned pairs goes out with its passages and
  the ids of its texts, and is described (records in text offsets, template evidence) where
  the texts and tokens sent to it from there meet it;
- **provenance** (:func:`trace_stories`): each story goes out with its passages, credits and
  the rest of its articles; the texts and tokens of the members the tokenise job saw are
  sent to it from there by one shuffle, as alignment's are joined (:mod:`.spark_align`). A
  member it never saw (a page's item, cut out of it in the stories stage) still travels with
  its story. The tokens are rebuilt as the driver merged them (each chunk's own ids through
  its map to the merged vocabulary), offsets included, which provenance reads and the cached
  texts of the other stages leave out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np

from naql.backends.spark_align import by_chunk, delivered
from naql.backends.spark_texts import Key, one_a_batch
from naql.pairs import PairInputs, PassageMaker, Template, describe_pairs
from naql.text import Tokens
from naql.text.tokenize import FlatTokens

if TYPE_CHECKING:
    from naql.align import TokenPassage
    from naql.outlets import Gazetteer
    from naql.provenance.facts import StoryCommon, StoryInput
    from naql.records import Alignment, Article, Attribution, Story, Verdict


@dataclass(slots=True)
class Kept:
    """The last tokenise job's chunks on the executors: the texts each was sent
    (``shipped``, RDD of (chunk, texts)) and its tokens (``tokenised``, RDD of (chunk,
    :class:`~naql.text.chunks.ChunkTokens`)), both cut from their lineage; each chunk's
    texts as the driver holds them (the same string objects: what tells them from another
    pile's of the same size); and, once merged, each chunk's map to the merged ids (a
    broadcast) and the merged tokens."""

    shipped: Any
    tokenised: Any
    pieces: Sequence[Sequence[str]]
    id_maps: Any = None
    pile: Sequence[Tokens] | None = None

    @property
    def counts(self) -> list[int]:
        return [len(piece) for piece in self.pieces]

    @property
    def firsts(self) -> list[int]:
        """Each chunk's first text."""
        return [0, *accumulate(self.counts)][:-1]

    @property
    def texts(self) -> list[str]:
        """The kept texts, in order (the driver's own string objects)."""
        return [text for piece in self.pieces for text in piece]

    def numbers(self) -> dict[int, int]:
        """``id()`` of each merged text's tokens -> its place in the pile: what tells a text
        the tokenise job saw from one made later (a page's item), whose tokens travel."""
        assert self.pile is not None
        return {id(doc): k for k, doc in enumerate(self.pile)}

    def holds(self, articles: Sequence[Article]) -> bool:
        """Whether the kept texts are ``articles``' own, in order."""
        texts = self.texts
        return len(articles) == len(texts) and all(
            article.text is text for article, text in zip(articles, texts)
        )

    def drop(self) -> None:
        for held in (self.tokenised, self.shipped, self.id_maps):
            if held is not None:
                held.unpersist()


def read_credits(
    context: Any, kept: Kept, articles: Sequence[Article], gazetteer: Gazetteer
) -> list[list[Attribution]]:
    """:func:`naql.attribution.attributions` of ``articles`` (the kept texts' articles), a
    chunk at a time, read where the texts are."""
    from naql.attribution import attributions

    rest = [
        [replace(article, text="") for article in articles[start : start + count]]
        for start, count in zip(kept.firsts, kept.counts)
    ]
    shared = context.broadcast(gazetteer)

    def read(item: tuple[tuple[int, Sequence[str]], Sequence[Article]]) -> Any:
        (number, texts), light = item
        whole = [replace(a, text=text) for a, text in zip(light, texts, strict=True)]
        return number, attributions(whole, shared.value)

    try:
        # One chunk a partition on both sides, in the same order: zipped, not joined.
        others = one_a_batch(context.parallelize(rest, len(rest)))  # batched as the texts
        found = kept.shipped.zip(others).map(read).collect()
    finally:
        shared.unpersist()
    return [chunk for _, chunk in sorted(found, key=lambda item: item[0])]


# A story as sent: itself without the joined members' texts and tokens, which member is which
# text of the tokenised pile, and each one's length (checked on arrival).
Sent = tuple["StoryInput", dict[int, Key], dict[int, int]]


def lightened(story: StoryInput, pile_index: dict[int, int]) -> Sent:
    """``story`` (:func:`naql.provenance.facts.alone`'s) without the texts and tokens of the
    members that are texts of the tokenised pile (``pile_index``: ``id()`` of a text's tokens
    -> its place there). Its passage maker, which holds the same tokens, holds the same dict."""
    maker = story.to_passage
    if not isinstance(maker, PassageMaker) or not isinstance(maker.tokens, dict):
        return story, {}, {}
    if any(maker.tokens.get(k) is not story.tokens[k] for k in story.members):
        return story, {}, {}  # not the trace's own maker: sent as it is
    articles = {k: story.articles[k] for k in story.members}
    tokens = {k: story.tokens[k] for k in story.members}
    wanted: dict[int, Key] = {}
    lengths: dict[int, int] = {}
    for k in story.members:
        at = pile_index.get(id(tokens[k]))
        if at is None:
            continue
        wanted[k], lengths[k] = (0, at), len(articles[k].text)
        articles[k] = replace(articles[k], text="")
        del tokens[k]
    light = replace(
        story, articles=articles, tokens=tokens, to_passage=PassageMaker(maker.ids, tokens)
    )
    return light, wanted, lengths


def filled(sent: Sent, texts: Mapping[Key, Any]) -> StoryInput:
    """The story as the driver had it, its members' texts and tokens put back (``texts``:
    key -> (text, tokens)), in the members' order."""
    story, wanted, lengths = sent
    if not wanted:
        return story
    maker = story.to_passage
    assert isinstance(maker, PassageMaker)
    articles: dict[int, Article] = {}
    tokens: dict[int, Tokens] = {}
    for k in story.members:
        if k not in wanted:
            articles[k], tokens[k] = story.articles[k], story.tokens[k]
            continue
        text, doc = texts[wanted[k]]
        if len(text) != lengths[k]:  # the texts kept are not this trace's: never silently
            raise RuntimeError(f"text {wanted[k][1]} kept on the executors is not the story's")
        articles[k], tokens[k] = replace(story.articles[k], text=text), doc
    return replace(
        story, articles=articles, tokens=tokens, to_passage=PassageMaker(maker.ids, tokens)
    )


def sent_texts(
    shipped: Any, tokenised: Any, id_maps: Any, firsts: Sequence[int], wanted: Any
) -> Any:
    """An RDD of (story chunk, ("text", (key, (text, tokens)))) for each text a chunk of
    stories asked for: ``shipped`` holds the tokenise job's chunks' texts, ``tokenised`` their
    tokens, ``id_maps`` (a broadcast) each chunk's map to the merged ids, ``firsts`` each
    chunk's first text, ``wanted`` (a broadcast) per tokenise chunk the (text, story chunk)
    pairs asked for. Each text leaves its executor only for the chunks that asked for it,
    in one shuffle (keying every text first and joining was a second one)."""
    starts = list(firsts)

    def texts_of(item: tuple[tuple[int, Sequence[str]], tuple[int, Any]]) -> Iterator[Any]:
        (number, texts), (_, chunk) = item
        asked = wanted.value.get(number)
        if not asked:
            return
        ids = id_maps.value[number][chunk.ids]
        docs = FlatTokens(chunk.lengths, ids, chunk.stop, chunk.starts, chunk.ends).split()
        low = starts[number]
        for text_number, story_chunk in asked:
            k = text_number - low
            yield story_chunk, ("text", ((0, text_number), (texts[k], docs[k])))

    # Both sides: one chunk a partition, in chunk order (the second is a map of the first).
    return shipped.zip(tokenised).flatMap(texts_of)


def trace_chunk(
    items: Iterable[tuple[int, tuple[str, Any]]], common: StoryCommon | None
) -> list[tuple[Story, list[Verdict]]]:
    """One chunk's stories traced, from what was sent and what the join delivered."""
    from naql.backends.tasks import stories_alone_task

    texts, sent = delivered(items)
    return stories_alone_task(common, [filled(one, texts) for one in sent or []])


def trace_stories(
    context: Any,
    kept: Kept,
    chunks: Sequence[Sequence[StoryInput]],
    common: StoryCommon | None,
) -> list[list[tuple[Story, list[Verdict]]]]:
    """Each chunk's stories traced (:func:`naql.provenance.trace_story`), in chunk order,
    with their members' texts and tokens sent to them from where the tokenise job left them."""
    pile_index = kept.numbers()
    payloads = [[lightened(story, pile_index) for story in chunk] for chunk in chunks]
    wanted = [{key[1] for _, keys, _ in sent for key in keys.values()} for sent in payloads]
    return joined_where_tokenised(
        context,
        kept,
        payloads,
        wanted,
        common,
        trace_chunk,
    )


# A chunk of pairs as sent: each pair and its passages, and the ids of the texts they join.
PairsSent = tuple[list[tuple[tuple[int, int], list["TokenPassage"]]], dict[int, str]]


def describe_chunk(
    items: Iterable[tuple[int, tuple[str, Any]]], vocabulary_part: PairInputs
) -> list[tuple[Alignment, Template | None]]:
    """One chunk's pairs described (:func:`naql.pairs.describe_pairs`), from what was sent
    and the texts and tokens the join delivered: the pile's numbers are kept, each text looked
    up by its number."""
    arrived, sent = delivered(items)
    texts: Mapping[Key, Any] = arrived  # (text, tokens) each
    pairs, ids = sent
    inputs = replace(
        vocabulary_part,
        ids=ids,
        tokens={k: texts[(0, k)][1] for k in ids},
        texts={k: texts[(0, k)][0] for k in ids},
        place_stems={},
        slot_at={},
    )
    return describe_pairs(inputs, pairs)


def describe(
    context: Any,
    kept: Kept,
    shared: PairInputs,
    chunks: Sequence[Sequence[tuple[tuple[int, int], list[TokenPassage]]]],
) -> list[list[tuple[Alignment, Template | None]]]:
    """Each chunk of pairs (the kept pile's texts) described, in chunk order, with their
    texts and tokens sent to them from where the tokenise job left them. What is broadcast
    is vocabulary-sized (the stems, the figures' and places' masks, the slot words' kinds)."""
    payloads: list[PairsSent] = []
    for chunk in chunks:
        numbers = sorted({k for pair, _ in chunk for k in pair})
        payloads.append((list(chunk), {k: shared.ids[k] for k in numbers}))
    vocabulary_part = replace(shared, ids=[], tokens=[], texts=[], place_stems={}, slot_at={})
    return joined_where_tokenised(
        context,
        kept,
        payloads,
        [set(ids) for _, ids in payloads],
        vocabulary_part,
        describe_chunk,
    )


def joined_where_tokenised(
    context: Any,
    kept: Kept,
    payloads: Sequence[Any],
    wanted: Sequence[set[int]],
    shared: Any,
    work: Any,
) -> list[Any]:
    """``work(items, shared)`` of each chunk, in chunk order: its items are its payload and
    the texts and tokens of the pile's texts it ``wanted``, sent to it from where the
    tokenise job left them (:func:`sent_texts`); ``shared`` goes out as one broadcast."""
    bounds = np.asarray(kept.firsts, dtype=np.int64)
    asked: dict[int, list[tuple[int, int]]] = {}
    for number, texts in enumerate(wanted):
        for text_number in sorted(texts):
            chunk = int(np.searchsorted(bounds, text_number, side="right")) - 1
            asked.setdefault(chunk, []).append((text_number, number))
    common, asking = context.broadcast(shared), context.broadcast(asked)
    try:
        arrived = sent_texts(kept.shipped, kept.tokenised, kept.id_maps, kept.firsts, asking)
        return by_chunk(context, arrived, payloads, lambda items: work(items, common.value))
    finally:
        common.unpersist()
        asking.unpersist()

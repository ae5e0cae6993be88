"""The roundups' runs of lines on Spark, each block of pages read where its texts are.

Locally each block of pages is read against the whole pile by a forked worker that sees it.
On Spark a block is sent only its share of the pile (:meth:`RunsPile.restricted`: the
stories its pages are in or may join, their members' dates, the pages' candidates), without
the texts: those the tokenise job saw are sent to it by the executors that keep them
(:func:`naql.backends.spark_kept.joined_where_tokenised`), the others (a page's items cut out
by shared text earlier in the stage) travel with it. What every block shares (the pile's IDF,
the stories' term weights, the configuration) goes out once. The runs come back numbered as in
the whole pile: the same runs, to the last bit, as one process finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from naql.backends.spark_align import delivered
from naql.backends.spark_kept import Kept, joined_where_tokenised

if TYPE_CHECKING:
    import numpy as np

    from naql.records import Article
    from naql.stories import StoryConfig
    from naql.stories.roundups import Restricted, Run, RunsPile
    from naql.text import Tokens

# A block as sent: its share of the pile (without the texts' tokens, the IDF and the
# weights), which of its texts are kept texts (its number -> the kept pile's), the tokens of
# the others, and each page's text unless it is the kept text's.
Sent = tuple["Restricted", dict[int, int], dict[int, "Tokens"], list["str | None"]]


def sent_block(
    block: Restricted, pile_index: dict[int, int], kept_texts: Sequence[str], pages_text: list[str]
) -> Sent:
    """``block`` ready to go out; ``pile_index``: ``id()`` of a kept text's tokens -> its
    number; ``pages_text``: the block's pages' texts."""
    share = block.pile
    at_kept: dict[int, int] = {}
    carried: dict[int, Tokens] = {}
    for number, doc in enumerate(share.tokens):
        k = pile_index.get(id(doc))
        if k is None:
            carried[number] = doc
        else:
            at_kept[number] = k
    texts: list[str | None] = []
    for page, text in zip(block.pages, pages_text, strict=True):
        k = at_kept.get(page)
        texts.append(None if k is not None and kept_texts[k] is text else text)
    share.tokens, share.idf, share.boost = [], None, None  # type: ignore[assignment]
    return block, at_kept, carried, texts


def runs_chunk(
    items: Iterable[tuple[int, tuple[str, Any]]],
    shared: tuple[np.ndarray, np.ndarray, StoryConfig],
) -> dict[int, list[Run]]:
    """One block's runs, from what was sent and the texts the join delivered."""
    arrived, sent = delivered(items)
    found: dict[Any, Any] = arrived  # key -> (text, tokens)
    block, at_kept, carried, texts = sent
    share = block.pile
    share.idf, share.boost, share.config = shared
    share.tokens = [
        carried[n] if n in carried else found[(0, at_kept[n])][1] for n in range(len(block.texts))
    ]
    pages_text = [
        text if text is not None else found[(0, at_kept[page])][0]
        for page, text in zip(block.pages, texts)
    ]
    return block.numbered(share.runs(block.pages, pages_text))


def read_runs(
    context: Any,
    kept: Kept,
    pile: RunsPile,
    articles: Sequence[Article],
    blocks: list[list[int]],
) -> list[dict[int, list[Run]]]:
    """Each block's runs (:meth:`RunsPile.runs`), in block order, read on the executors."""
    pile_index, kept_texts = kept.numbers(), kept.texts
    payloads = [
        sent_block(
            pile.restricted(pages), pile_index, kept_texts, [articles[p].text for p in pages]
        )
        for pages in blocks
    ]
    wanted = [set(at_kept.values()) for _, at_kept, _, _ in payloads]
    return joined_where_tokenised(
        context, kept, payloads, wanted, (pile.idf, pile.boost, pile.config), runs_chunk
    )

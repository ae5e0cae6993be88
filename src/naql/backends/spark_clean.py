"""Pages cleaned where Spark keeps them, their texts left there for tokenising.

:func:`naql.backends.cleaning.clean_parallel` sends the pages out once
(:meth:`~naql.backends.spark.SparkBackend.keep`) and reads them three times there. Its last
pass, the pages cleaned, keeps the cleaned articles' texts on the executors, a partition per
chunk (:func:`cleaned`): the tokenise job that follows reads them there
(:meth:`~naql.backends.spark.SparkBackend.tokenize_kept`, when its texts are these very
ones: :func:`same_texts`), and the driver, which received the cleaned articles, sends none
of their texts out again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from naql.backends.spark_texts import _materialised, one_a_batch

if TYPE_CHECKING:
    from naql.clean import CleanResult


def cleaned(context: Any, kept: Any, shared: Any) -> tuple[list[CleanResult], Any]:
    """Each kept chunk of pages cleaned (``shared``: the pass's step, what the batch taught,
    the configuration), in chunk order, and an RDD of (chunk, its cleaned articles' texts)
    cut from its lineage."""
    from naql.backends.cleaning import clean_pages_task

    inputs = context.broadcast(shared)
    try:
        done = _materialised(
            kept.map(lambda item: (item[0], clean_pages_task(inputs.value, item[1])))
        )
        found = sorted(done.collect(), key=lambda item: item[0])
        # Batched as the tokenise job's results, which they are zipped with (spark_kept).
        texts = _materialised(
            one_a_batch(done.map(lambda item: (item[0], [a.text for a in item[1].articles])))
        )
        done.unpersist()
    finally:
        inputs.unpersist()
    return [result for _, result in found], texts


def line_holders(context: Any, kept: Any, shared: Any, least: int) -> dict[str, list[int]]:
    """The pages holding each short line of the kept chunks (``shared``: the lines pass's
    step, the batch's sign-offs, the configuration), for the lines on ``least`` pages or more:
    shuffled by line, so the driver receives only the lines that may be chrome, not the long
    tail of lines on a page or two (a headline each), which grows with the corpus."""
    from naql.backends.cleaning import clean_pages_task

    inputs = context.broadcast(shared)
    try:
        found = (
            kept.flatMap(lambda item: clean_pages_task(inputs.value, item[1]).items())
            .groupByKey()
            .mapValues(lambda lists: [page for pages in lists for page in pages])
            .filter(lambda item: len(item[1]) >= least)
            .collect()
        )
    finally:
        inputs.unpersist()
    return {key: sorted(pages) for key, pages in sorted(found)}


def same_texts(chunks: Sequence[Sequence[str]], pieces: Sequence[Sequence[str]]) -> bool:
    """Whether ``pieces``, concatenated, are the very texts of ``chunks`` (the same objects:
    the articles the driver received from the cleaning, not another pile of equal texts)."""
    mine = [text for chunk in chunks for text in chunk]
    theirs = [text for piece in pieces for text in piece]
    return len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs))

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

from naql.backends.spark_texts import _materialised

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
        texts = _materialised(done.map(lambda item: (item[0], [a.text for a in item[1].articles])))
        done.unpersist()
    finally:
        inputs.unpersist()
    return [result for _, result in found], texts


def same_texts(chunks: Sequence[Sequence[str]], pieces: Sequence[Sequence[str]]) -> bool:
    """Whether ``pieces``, concatenated, are the very texts of ``chunks`` (the same objects:
    the articles the driver received from the cleaning, not another pile of equal texts)."""
    mine = [text for chunk in chunks for text in chunk]
    theirs = [text for piece in pieces for text in piece]
    return len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs))

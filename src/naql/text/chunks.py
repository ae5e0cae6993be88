"""Tokenising in chunks: what a worker (or a Spark executor) does with its share of the texts,
each chunk with a vocabulary of its own, and how the driver merges the chunks back into the
ids one vocabulary gives (:func:`merge_chunks`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from naql.text.tokenize import FlatTokens, Vocabulary, tokenize_flat
from naql.text.tokens import Tokens


@dataclass(slots=True)
class ChunkTokens:
    """Texts tokenised with a vocabulary of their own (ids index ``stems``), as flat arrays
    (one pickle each, not four per text); ``lengths`` cut them back into texts."""

    stems: list[str]
    lengths: np.ndarray
    ids: np.ndarray
    stop: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def tokenize_chunk(texts: Sequence[str], latin_language: str = "en") -> ChunkTokens:
    """Tokens of ``texts``, for :func:`merge_chunks` elsewhere: what a worker does with its
    share of the corpus. Each chunk stands alone (a retried or repeated chunk gives the same
    result); only the stemming of forms is remembered from chunk to chunk."""
    vocabulary = Vocabulary(latin_language, remember_stems=True)
    blocks = list(tokenize_flat(vocabulary, texts))

    def flat(name: str, dtype: type) -> np.ndarray:
        parts = [getattr(block, name) for block in blocks]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    return ChunkTokens(
        vocabulary.stems,
        flat("lengths", np.int64),
        flat("ids", np.int32),
        flat("stop", np.bool_),
        flat("starts", np.int32),
        flat("ends", np.int32),
    )


def merge_chunks(
    vocabulary: Vocabulary,
    chunks: Sequence[ChunkTokens],
    id_maps: list[np.ndarray] | None = None,
) -> list[Tokens]:
    """The chunks' texts, in order, in ``vocabulary``'s ids; ``id_maps``, if given, is
    handed each chunk's map from its own ids to the vocabulary's.

    A chunk's own vocabulary numbered its stems in order of first appearance, so adopting
    them in that order (:meth:`Vocabulary.adopt`), chunk after chunk, gives every stem the id
    :meth:`Vocabulary.tokens` would have given it over all the texts in order."""
    merged: list[Tokens] = []
    for chunk in chunks:
        own = vocabulary.adopt(chunk.stems).astype(np.int32)
        if id_maps is not None:
            id_maps.append(own)
        ids = own[chunk.ids]
        merged.extend(FlatTokens(chunk.lengths, ids, chunk.stop, chunk.starts, chunk.ends).split())
    return merged

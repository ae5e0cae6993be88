"""Who shares text with whom: every text tokenised, the candidate pairs (rare-stem seeds, and
near neighbours by topic), and their passages aligned, on a backend's workers when there are
several, or read back from a memo."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from naql import memo
from naql.align import TokenPassage
from naql.backends import Backend, tasks
from naql.candidates import SeedIndex, candidate_pairs_in, phrase_index, seed_index
from naql.config import CandidateConfig, Config
from naql.memo import Memo
from naql.stages import Progress, Timer, _no_progress
from naql.text import Tokens, Vocabulary
from naql.text.tokenize import tokenize_flat


def tokenize(
    texts: Sequence[str],
    vocabulary: Vocabulary,
    progress: Progress = _no_progress,
    backend: Backend | None = None,
) -> list[Tokens]:
    """Every text's tokens, in ``vocabulary``'s ids (on ``backend``'s workers when it has
    several: the same ids, see :func:`naql.text.chunks.merge_chunks`)."""
    if backend is not None and backend.workers > 1:
        return tasks.tokenize_parallel(
            texts, vocabulary, backend, lambda done, total: progress("tokenize", done, total)
        )
    tokens: list[Tokens] = []
    for block in tokenize_flat(vocabulary, texts):
        tokens.extend(block.split())
        progress("tokenize", len(tokens), len(texts))
    return tokens


def candidate_pairs(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    config: Config,
    backend: Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, int]]:
    """Pairs worth aligning: those with a cluster of shared rare stems or, when the config
    asks for it, of shared phrases (see :mod:`naql.candidates`), each once, in order. With a
    ``backend``, the left texts are split among its workers (seeds and clusters); one that
    blocks on rare stems itself tells ``progress`` how far its jobs have got."""
    settings = config.candidates
    texts = len(left) + (len(right) if right is not None else 0)
    found: set[tuple[int, int]] = set()
    # A backend that blocks on rare stems itself (Spark: the index as shuffles) is never
    # handed the whole index.
    blocking = getattr(backend, "candidate_pairs", None)
    if blocking is not None:
        found.update(
            blocking(left, right, vocabulary_size, settings, settings.budget(texts), progress)
        )
    indexes = []
    if blocking is None:
        indexes.append(
            seed_index(
                left,
                right,
                vocabulary_size,
                budget=settings.budget(texts),
                max_per_doc=settings.max_per_doc,
            )
        )
    if settings.phrase_seeds(texts):
        indexes.append(
            phrase_index(
                left,
                right,
                vocabulary_size,
                budget=settings.phrase_seeds(texts),
                max_per_doc=settings.max_per_doc,
            )
        )
    if backend is not None and (backend.workers <= 1 or len(left) <= 1):
        backend = None  # nothing to split
    for index in indexes:
        found.update(_clustered(index, settings, backend))
    return sorted(found)


def _clustered(
    index: SeedIndex, settings: CandidateConfig, backend: Backend | None
) -> list[tuple[int, int]]:
    """The index's candidate pairs, on ``backend``'s workers when there is one."""
    if backend is not None:
        return tasks.candidates_parallel(index, settings.gap, settings.min_seeds, backend)
    return candidate_pairs_in(index, None, gap=settings.gap, min_seeds=settings.min_seeds)


def candidate_stage(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    config: Config,
    timer: Timer,
    progress: Progress,
    backend: Backend | None,
    also: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """The candidates stage: :func:`candidate_pairs` and ``also``, sorted, each once."""
    with timer.stage("candidates"):
        # Two steps (seeds from the rare-stem index, then their clusters): the stage's bar
        # counts texts indexed, which is what its time grows with.
        progress("candidates", 0, len(left))
        told = lambda done, total: progress("candidates", done, total)  # noqa: E731
        pairs = sorted(
            set(candidate_pairs(left, right, vocabulary_size, config, backend, told)) | set(also)
        )
        progress("candidates", len(left), len(left))
    return pairs


def reused_passages(
    left: Sequence[Tokens],
    right: Sequence[Tokens] | None,
    vocabulary_size: int,
    config: Config,
    timer: Timer | None = None,
    similar_pairs: Sequence[tuple[int, int]] = (),
    progress: Progress = _no_progress,
    remembered: tuple[Memo, Vocabulary, Sequence[str]] | None = None,
    backend: Backend | None = None,
) -> list[TokenPassage]:
    """Candidates, then alignment: every reused passage between ``left`` and ``right`` texts
    (among ``left`` texts when ``right`` is None). ``similar_pairs`` (whole-text near
    neighbours) are aligned too: formulaic wire copy, made of common words only, gives the
    rare-stem index few seeds although it is copied whole. With ``remembered`` (a memo, the
    vocabulary and each text's key), pairs aligned before are read back (:func:`memo.align`).
    With a ``backend`` of several workers, the pairs are aligned there, in chunks."""
    timer = timer or Timer()
    if len(left) < 2 if right is None else not (left and right):
        return []
    pairs = candidate_stage(
        left, right, vocabulary_size, config, timer, progress, backend, similar_pairs
    )
    with timer.stage("align"):
        if remembered is not None and right is None:
            memo_, vocabulary, keys = remembered
            return memo.align(
                left,
                keys,
                pairs,
                vocabulary,
                config.align,
                memo_,
                lambda done, total: progress("align", done, total),
                backend,
            )
        return tasks.align_parallel(
            left,
            left if right is None else right,
            pairs,
            vocabulary_size,
            config.align,
            backend,
            lambda done, total: progress("align", done, total),
        )

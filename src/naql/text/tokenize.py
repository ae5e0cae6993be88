"""Tokenise whole documents with numpy, keeping every token's ORIGINAL offsets; stem ids."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import Stemmer

from naql.arrays import changes, runs, stable_order
from naql.errors import ConfigError
from naql.text import arabic, chars, latin, numbers
from naql.text.normalize import code_points, from_code_points, normalize, normalized_codes
from naql.text.tokens import Tokens, Words


def words(text: str) -> Words:
    """Split ``text`` into word tokens (letters, digits and their marks), normalised."""
    codes, origin, in_plane = normalized_codes(text)
    is_word = _word_flags(codes, in_plane)
    starts, ends = runs(is_word)
    forms = from_code_points(np.where(is_word, codes, chars.SPACE)).split()
    if len(forms) != len(starts):  # would mean str.split and the table disagree on a space
        raise RuntimeError("tokeniser tables disagree with str.split; please report this text")
    # A token ends where the next kept character begins, so marks that normalisation deleted
    # after its last letter (a final haraka, tatweel, a joiner) stay inside its span.
    boundary = np.empty(len(origin) + 1, dtype=np.int64)
    boundary[:-1] = origin
    boundary[-1] = len(text)
    return Words(forms, boundary[starts], boundary[ends])


def _stems(forms: list[str], latin_algorithm: str, remembered: dict[str, str] | None) -> list[str]:
    """What each form stems to (Snowball: Arabic, or the Latin language's), in order."""
    stems: list[str | None]
    if remembered is not None:
        stems = list(map(remembered.get, forms))
        todo = [k for k, stem in enumerate(stems) if stem is None]
    else:
        stems, todo = [None] * len(forms), list(range(len(forms)))
    letters = arabic.LETTER_SET
    for indices, algorithm in (
        ([k for k in todo if forms[k][0] in letters], "arabic"),
        ([k for k in todo if forms[k][0] not in letters], latin_algorithm),
    ):
        if indices:
            found = _stemmer(algorithm).stemWords([forms[k] for k in indices])
            for k, stem in zip(indices, found):
                stems[k] = stem
    found = [stem or "" for stem in stems]  # every slot is filled above
    if remembered is not None:
        if len(remembered) > _STEM_MEMORY:
            remembered.clear()
        remembered.update(zip([forms[k] for k in todo], [found[k] for k in todo]))
    return found


# Forms a worker remembers the stems of, per algorithm: about 100 bytes each.
_STEM_MEMORY = 2_000_000
_stem_memories: dict[str, dict[str, str]] = {}


def _stem_memory(latin_algorithm: str) -> dict[str, str]:
    return _stem_memories.setdefault(latin_algorithm, {})


@functools.lru_cache(maxsize=8)
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer(algorithm)
    # Callers stem each form once: PyStemmer's own cache only cost time (0.68 s against 0.24
    # s for ExAra's 128 k forms).
    stemmer.maxCacheSize = 0
    return stemmer


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(normalize(word) for word in arabic.STOPWORDS_RAW | latin.STOPWORDS_RAW)


class Vocabulary:
    """Maps normalised word forms to stem ids, stemming each distinct form once.

    Per-token work is one C-level dict lookup (``map(dict.__getitem__, ...)``); the Snowball
    stemmer (PyStemmer, C) only ever sees forms it has not seen before, in one batch per text.
    """

    def __init__(self, latin_language: str = "en", remember_stems: bool = False) -> None:
        if latin_language not in latin.SNOWBALL:
            raise ConfigError(
                f"no stemmer for language {latin_language!r}; choose one of "
                + ", ".join(sorted(latin.SNOWBALL))
            )
        self.latin_language = latin_language
        self.latin_algorithm = latin.SNOWBALL[latin_language]
        # A worker tokenising chunk after chunk keeps what each form stems to across its
        # vocabularies (stemming is about half of tokenising).
        self._remembered = _stem_memory(self.latin_algorithm) if remember_stems else None
        self._form_code: dict[str, int] = {}  # form -> stem id * 2 + is_stopword
        self._stem_ids: dict[str, int] = {}
        self.stems: list[str] = []

    def __len__(self) -> int:
        return len(self.stems)

    def encode(self, forms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Stem ids and stopword flags for a list of normalised forms."""
        known = self._form_code
        # One lookup per token; only the forms not known yet are looked at again.
        codes = np.fromiter(map(known.get, forms, repeat(-1)), dtype=np.int64, count=len(forms))
        missing = np.flatnonzero(codes < 0).tolist()
        if missing:
            unseen = [forms[k] for k in missing]
            self._learn(list(dict.fromkeys(unseen)))
            codes[missing] = np.fromiter(map(known.__getitem__, unseen), np.int64, len(unseen))
        return (codes >> 1).astype(np.int32), (codes & 1).astype(bool)

    def _learn(self, forms: list[str]) -> None:
        stems = [
            stem or form
            for form, stem in zip(forms, _stems(forms, self.latin_algorithm, self._remembered))
        ]
        known = self._stem_ids
        self._register(stems)
        stop = stopwords()
        # One-letter tokens are clitics cut off by punctuation («لـ«الشرق»») or initials.
        codes = np.fromiter(map(known.__getitem__, stems), np.int64, len(stems)) * 2 + [
            form in stop or len(form) < 2 for form in forms
        ]
        self._form_code.update(zip(forms, codes.tolist()))

    def _register(self, stems: list[str]) -> None:
        """Give the stems not known yet the next ids, in order of first appearance."""
        known = self._stem_ids
        new = [stem for stem in dict.fromkeys(stems) if stem not in known]
        known.update(zip(new, range(len(self.stems), len(self.stems) + len(new))))
        self.stems.extend(new)

    def stem_ids_of(self, forms: list[str]) -> np.ndarray:
        """The stem ids ``forms`` (normalised) would get, -1 for a stem never seen: nothing
        is registered, so the ids of a pile already read stay those it has."""
        return self.lookup(_stems(forms, self.latin_algorithm, None))

    def lookup(self, stems: list[str]) -> np.ndarray:
        """Ids for ``stems``, -1 for a stem never seen (nothing is registered)."""
        known = self._stem_ids
        return np.fromiter(map(known.get, stems, repeat(-1)), dtype=np.int64, count=len(stems))

    def adopt(self, stems: list[str]) -> np.ndarray:
        """Ids for ``stems``, registering unseen ones in the order given.

        Replaying a text's distinct stems in first-appearance order gives every stem the id
        :meth:`tokens` would have given it, so remembered tokens (:mod:`naql.memo`) restored
        in the batch's order carry the batch's exact ids."""
        known = self._stem_ids
        ids = self.lookup(stems)
        missing = np.flatnonzero(ids < 0).tolist()
        if len(missing) < 256:  # a remembered text's few new stems: C calls cost more here
            for k in missing:
                stem = stems[k]
                found = known.get(stem)  # a stem listed twice
                if found is None:
                    found = known[stem] = len(self.stems)
                    self.stems.append(stem)
                ids[k] = found
        else:
            # C-level registration: a whole vocabulary is adopted when an index is opened.
            unseen = [stems[k] for k in missing]
            self._register(unseen)
            ids[missing] = np.fromiter(map(known.__getitem__, unseen), np.int64, len(unseen))
        return ids

    def tokens(self, text: str) -> Tokens:
        found = numbers.figures_read(words(text), text)
        ids, stop = self.encode(found.forms)
        return Tokens(ids, stop, found.starts.astype(np.int32), found.ends.astype(np.int32))

    def tokens_of(self, texts: Sequence[str]) -> list[Tokens]:
        """``[self.tokens(text) for text in texts]``, the same ids and offsets, a block of
        texts at a time (:func:`tokenize_flat`)."""
        found: list[Tokens] = []
        for block in tokenize_flat(self, texts):
            found.extend(block.split())
        return found


# Texts tokenised together are joined by a character normalisation keeps and no token holds,
# so no token runs from one text into the next and a text's last token ends at its length.
_JOIN = "\n"
# Characters tokenised at once: a block's arrays take about 60 bytes a character.
BLOCK_CHARS = 2_000_000
# Odd multipliers, so the polynomial hash of a form (mod 2**64) spreads its characters.
_BASE = 0x9E3779B97F4A7C15
_MIX = 0xC2B2AE3D27D4EB4F


@dataclass(slots=True)
class FlatTokens:
    """Tokens of consecutive texts as flat arrays; ``lengths`` (tokens per text) cuts them."""

    lengths: np.ndarray
    ids: np.ndarray
    stop: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def split(self) -> list[Tokens]:
        if not len(self.lengths):
            return []
        cuts = np.cumsum(self.lengths)[:-1]
        return [
            Tokens(*parts)
            for parts in zip(
                np.split(self.ids, cuts),
                np.split(self.stop, cuts),
                np.split(self.starts, cuts),
                np.split(self.ends, cuts),
            )
        ]


def words_of(texts: Sequence[str], block_chars: int = BLOCK_CHARS // 4) -> Iterator[Words]:
    """:func:`words` of each text, a block of texts at a time: normalising, marking and
    splitting a block as one string saves per-text numpy calls (half of reading credits
    went to them, 130 µs a SaudiNewsNet page)."""
    for block in _blocks(texts, block_chars):
        yield from _words_block(block)


def _words_block(texts: Sequence[str]) -> Iterator[Words]:
    joined, bases = _joined(texts)
    found = words(joined)
    # No token crosses a separator: each text's tokens are one run of the block's.
    cuts = np.searchsorted(found.starts, bases).tolist() + [len(found.forms)]
    for k, base in enumerate(bases.tolist()):
        first, last = cuts[k], cuts[k + 1]
        yield Words(
            found.forms[first:last], found.starts[first:last] - base, found.ends[first:last] - base
        )


def tokenize_flat(
    vocabulary: Vocabulary, texts: Sequence[str], block_chars: int = BLOCK_CHARS
) -> Iterator[FlatTokens]:
    """The tokens :meth:`Vocabulary.tokens` gives each text, with the same ids, a block of
    texts at a time (one block per ``block_chars`` characters).

    Per text and per token, Python work was most of tokenising: a string object and a dict
    lookup for every token (1.8 M on ExAra, 9 M on SaudiNewsNet). Here a block is normalised
    and cut into tokens as one array, every token's form is hashed from its code points with
    numpy, and only the block's distinct forms become strings and meet the vocabulary, in
    order of first appearance, which is the order :meth:`Vocabulary.tokens` would learn them
    in. The hash only groups tokens: each token is then compared with its group's first, code
    point by code point, and a block where two forms would share a hash is tokenised form by
    form instead, so the result never depends on the hash."""
    for block in _blocks(texts, block_chars):
        yield _flat_block(vocabulary, block)


def _blocks(texts: Sequence[str], block_chars: int) -> Iterator[Sequence[str]]:
    """``texts`` in order, cut into runs of about ``block_chars`` characters (a text longer
    than that is a run of its own)."""
    start, size = 0, 0
    for end, text in enumerate(texts):
        size += len(text) + 1
        if size >= block_chars:
            yield texts[start : end + 1]
            start, size = end + 1, 0
    if start < len(texts):
        yield texts[start:]


def _joined(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """The texts joined by the separator (one after the last too), and where each begins."""
    if not _join_is_kept():
        raise RuntimeError("the tokeniser's tables make its text separator a word character")
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return _JOIN.join(texts) + _JOIN, np.cumsum(sizes + 1) - (sizes + 1)


def _flat_block(vocabulary: Vocabulary, texts: Sequence[str]) -> FlatTokens:
    joined, bases = _joined(texts)
    codes, origin, in_plane = normalized_codes(joined)
    token_starts, token_ends = runs(_word_flags(codes, in_plane))
    boundary = np.empty(len(origin) + 1, dtype=np.int64)
    boundary[:-1] = origin
    boundary[-1] = len(joined)
    starts, ends = boundary[token_starts], boundary[token_ends]
    text_of = np.searchsorted(bases, starts, side="right") - 1

    def joinable(k: int) -> bool:
        return bool(text_of[k] == text_of[k + 1]) and numbers.spaces_only(
            joined[int(ends[k]) : int(starts[k + 1])]
        )

    ids, stop, merges = _encode_spans(vocabulary, codes, token_starts, token_ends, joinable)
    if merges:
        keep, starts, ends = numbers.spans_after(merges, starts, ends)
        text_of = text_of[keep]
    offset = bases[text_of]
    return FlatTokens(
        np.bincount(text_of, minlength=len(texts)).astype(np.int64),
        ids,
        stop,
        (starts - offset).astype(np.int32),
        (ends - offset).astype(np.int32),
    )


@functools.lru_cache(maxsize=1)
def _join_is_kept() -> bool:
    mapping, is_word, _ = chars.tables()
    code = int(mapping[ord(_JOIN)])
    return code != chars.DELETE and not is_word[code]


def _word_flags(codes: np.ndarray, in_plane: bool) -> np.ndarray:
    _, is_word_bmp, _ = chars.tables()
    if in_plane:
        return is_word_bmp[codes]
    in_bmp = codes < chars.BMP
    is_word = np.zeros(len(codes), dtype=bool)
    is_word[in_bmp] = is_word_bmp[codes[in_bmp]]
    is_word[~in_bmp] = chars.astral_word(codes[~in_bmp])
    return is_word


# Stem ids and stopword flags of the tokens left, and the compound number words that became
# one token each (:mod:`naql.text.numbers`), whose later words are not among them.
Encoded = tuple[np.ndarray, np.ndarray, list[numbers.Merge]]


def _encode_forms(
    vocabulary: Vocabulary, forms: list[str], joinable: Callable[[int], bool]
) -> Encoded:
    """:data:`Encoded` of a block's normalised forms, compounds read as figures;
    ``joinable(k)``: tokens k and k + 1 may be one compound."""
    merges = numbers.plan(*numbers.roles(forms), joinable, np.arange(len(forms)))
    return (*vocabulary.encode(numbers.figured_forms(forms, merges)), merges)


def _encode_spans(
    vocabulary: Vocabulary,
    codes: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    joinable: Callable[[int], bool],
) -> Encoded:
    """:data:`Encoded` of the tokens ``codes[starts[k]:ends[k]]``."""
    if not len(starts):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool), []
    lengths = ends - starts
    first_char = np.cumsum(lengths) - lengths
    within = np.arange(int(first_char[-1] + lengths[-1]), dtype=np.int64)
    within -= np.repeat(first_char, lengths)
    letters = codes[np.repeat(starts, lengths) + within]
    hashes = _hashed(letters, lengths, first_char, within)
    first, inverse = _groups(hashes)
    group = first[inverse]
    exact = np.array_equal(lengths[group], lengths) and np.array_equal(
        codes[np.repeat(starts[group], lengths) + within], letters
    )
    if not exact:  # two forms share a hash: look every token up by its form
        return _encode_forms(vocabulary, _forms(codes, starts, lengths), joinable)
    order = stable_order(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    distinct = first[order]
    forms = _forms(codes, starts[distinct], lengths[distinct])
    pick = rank[inverse]
    # Number words are looked up by form only where their hash says they may be one.
    maybe = np.flatnonzero(np.isin(hashes[distinct], _number_hashes()))
    merges = numbers.plan(*numbers.roles(forms, maybe), joinable, pick)
    if not merges:
        ids, stop = vocabulary.encode(forms)
        return ids[pick], stop[pick], merges
    return (*numbers.encoded_merged(vocabulary.encode, forms, distinct, pick, merges), merges)


def _hashed(
    letters: np.ndarray, lengths: np.ndarray, first_char: np.ndarray, within: np.ndarray
) -> np.ndarray:
    """A polynomial hash (mod 2**64) of each token: its ``letters`` from ``first_char`` on,
    ``within`` each letter's place in its token."""
    powers = np.ones(int(lengths.max()), dtype=np.uint64)
    powers[1:] = _BASE
    powers = np.cumprod(powers)  # wraps mod 2**64, as the hash wants
    hashes = np.add.reduceat(letters.astype(np.uint64) * powers[within], first_char)
    return hashes * np.uint64(_MIX) + lengths.astype(np.uint64)


def _number_hashes() -> np.ndarray:
    """:func:`_hashed` of every number word :mod:`naql.text.numbers` reads."""
    return _number_hashes_with(_BASE, _MIX)


@functools.cache
def _number_hashes_with(base: int, mix: int) -> np.ndarray:
    """:func:`_number_hashes`, remembered for the hash's constants (a test changes them)."""
    forms = numbers.forms()
    lengths = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms))
    first_char = np.cumsum(lengths) - lengths
    within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(first_char, lengths)
    letters = code_points("".join(forms)).astype(np.int64)
    return np.unique(_hashed(letters, lengths, first_char, within))


def _groups(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(hashes, return_index=True, return_inverse=True)[1:]``, up to the groups'
    order, for grouping only: the hashes' top bits, narrow enough to be sorted by value beside
    each token's index (:func:`naql.arrays.stable_order`; np.unique's index sort took 1.0 of
    SaudiNewsNet's 8.6 s). Fewer bits can only join two forms in a group, which the caller's
    check then finds."""
    count = len(hashes)
    top = (hashes >> np.uint64(max(count - 1, 1).bit_length() + 1)).astype(np.int64)
    order = stable_order(top)
    starts = np.flatnonzero(changes(top[order]))
    inverse = np.empty(count, dtype=np.int64)
    inverse[order] = np.repeat(np.arange(len(starts)), np.diff(starts, append=count))
    return order[starts], inverse


def _forms(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> list[str]:
    """The tokens ``codes[starts[k]:starts[k] + lengths[k]]`` as strings, in one decode."""
    slots = lengths + 1
    first_slot = np.cumsum(slots) - slots
    within = np.arange(int(slots.sum()), dtype=np.int64) - np.repeat(first_slot, slots)
    source = np.repeat(starts, slots) + within
    letter = within < np.repeat(lengths, slots)
    joined = np.where(letter, codes[np.where(letter, source, 0)], chars.SPACE)
    forms = from_code_points(joined).split()
    if len(forms) != len(starts):  # would mean str.split and the table disagree on a space
        raise RuntimeError("tokeniser tables disagree with str.split; please report this text")
    return forms


def warm_tables() -> None:
    """Build the tokeniser's tables (about 0.2 s) in this process, so that workers forked from
    it find them built."""
    chars.tables()
    chars.expanding()
    _join_is_kept()
    stopwords()

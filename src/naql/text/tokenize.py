"""Normalise and tokenise whole documents with numpy, keeping every token's ORIGINAL offsets."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import Stemmer

from naql.errors import ConfigError
from naql.text import arabic, chars, latin


def _code_points(text: str) -> np.ndarray:
    # UTF-32 gives one uint32 per Python str index, so array positions ARE string offsets.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_code_points(codes: np.ndarray) -> str:
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def normalize_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """The normalised text and, for each of its characters, the offset it came from in ``text``."""
    codes, origin, _ = _normalized_codes(text)
    return _from_code_points(codes), origin


def _normalized_codes(text: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """The normalised text's code points, the offset each came from in ``text``, and whether
    all are in the Basic Multilingual Plane (they are when the text's are: the tables map
    into it).

    Nearly every text is all in the Basic Multilingual Plane and has no character to delete:
    those take plain table lookups, with no masks or copies (a third of the tokeniser's time
    on SaudiNewsNet went to them)."""
    mapping, _, expansions = chars.tables()
    codes = _code_points(text)
    in_plane = not len(codes) or int(codes.max()) < chars.BMP
    if in_plane:
        mapped = mapping[codes]
        expands = bool(expansions) and bool(chars.expanding()[codes].any())
    else:
        in_bmp = codes < chars.BMP
        mapped = codes.copy()
        mapped[in_bmp] = mapping[codes[in_bmp]]
        expands = bool(expansions) and bool(chars.expanding()[codes[in_bmp]].any())
    if expands:
        return (*_expand(codes, mapped), in_plane)
    keep = np.flatnonzero(mapped != chars.DELETE)
    return (mapped if len(keep) == len(mapped) else mapped[keep]), keep, in_plane


def _expand(codes: np.ndarray, mapped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalisation of a text holding a ligature such as «ﻻ» (one character, two letters):
    each character gives 0, 1 or its expansion's length of characters, all pointing back to
    it."""
    slot_of, pieces, piece_lengths = _expansion_table()
    slot = np.full(len(codes), -1, dtype=np.int64)
    in_bmp = codes < chars.BMP
    slot[in_bmp] = slot_of[codes[in_bmp]]
    expanded = slot >= 0
    counts = np.where(
        expanded, piece_lengths[np.maximum(slot, 0)], (mapped != chars.DELETE).astype(np.int64)
    )
    origin = np.repeat(np.arange(len(codes), dtype=np.int64), counts)
    within = np.arange(len(origin)) - np.repeat(np.cumsum(counts) - counts, counts)
    piece = slot[origin]
    out = np.where(piece >= 0, pieces[np.maximum(piece, 0), within], mapped[origin])
    return out.astype(np.uint32), origin


@functools.lru_cache(maxsize=1)
def _expansion_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(slot per BMP code point or -1, each expansion's code points, its length)."""
    expansions = chars.tables()[2]
    slot_of = np.full(chars.BMP, -1, dtype=np.int64)
    width = max((len(piece) for piece in expansions.values()), default=1)
    pieces = np.zeros((max(len(expansions), 1), width), dtype=np.uint32)
    lengths = np.zeros(max(len(expansions), 1), dtype=np.int64)
    for slot, (code, piece) in enumerate(sorted(expansions.items())):
        slot_of[code] = slot
        pieces[slot, : len(piece)] = [ord(char) for char in piece]
        lengths[slot] = len(piece)
    return slot_of, pieces, lengths


def normalize(text: str) -> str:
    """Arabic orthographic normalisation plus casefolding (see :mod:`naql.text.arabic`).

    The same character map as :func:`normalize_with_offsets`, through ``str.translate``: with
    no offsets to keep, a short string (a tail, a name, a cue) costs a microsecond, not the
    array set-up's fifty."""
    return text.translate(_translation())


@functools.lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    """``str.translate``'s table for :func:`normalize`: every BMP character normalisation
    changes, to its normal form ("" when deleted)."""
    mapping, _, expansions = chars.tables()
    table: dict[int, str] = {
        int(code): ("" if mapping[code] == chars.DELETE else chr(int(mapping[code])))
        # NUL maps to itself in the table, where it means "delete".
        for code in np.flatnonzero(
            (mapping != np.arange(chars.BMP, dtype=mapping.dtype)) | (mapping == chars.DELETE)
        )
    }
    table.update(expansions)
    return table


@dataclass(slots=True)
class Words:
    """Tokens of one text: normalised forms and ``[starts, ends)`` offsets into the original."""

    forms: list[str]
    starts: np.ndarray
    ends: np.ndarray


def words(text: str) -> Words:
    """Split ``text`` into word tokens (letters, digits and their marks), normalised."""
    codes, origin, in_plane = _normalized_codes(text)
    _, is_word_bmp, _ = chars.tables()
    if in_plane:
        is_word = is_word_bmp[codes]
    else:
        in_bmp = codes < chars.BMP
        is_word = np.zeros(len(codes), dtype=bool)
        is_word[in_bmp] = is_word_bmp[codes[in_bmp]]
        is_word[~in_bmp] = chars.astral_word(codes[~in_bmp])
    padded = np.zeros(len(codes) + 2, dtype=np.int8)
    padded[1:-1] = is_word
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    forms = _from_code_points(np.where(is_word, codes, chars.SPACE)).split()
    if len(forms) != len(starts):  # would mean str.split and the table disagree on a space
        raise RuntimeError("tokeniser tables disagree with str.split; please report this text")
    # A token ends where the next kept character begins, so marks that normalisation deleted
    # after its last letter (a final haraka, tatweel, a joiner) stay inside its span.
    boundary = np.empty(len(origin) + 1, dtype=np.int64)
    boundary[:-1] = origin
    boundary[-1] = len(text)
    return Words(forms, boundary[starts], boundary[ends])


@dataclass(slots=True)
class Tokens:
    """A text as the aligner sees it: stem ids, a stopword mask and offsets into the original."""

    ids: np.ndarray  # int32 stem ids, one per token
    stop: np.ndarray  # bool: function word, single letter or digit-free noise
    # int32 character offsets: a pile's tokens are held together for the whole trace, and
    # int64 made them 21 bytes a token (2.9 GB at 16x SaudiNewsNet) rather than 13.
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _stems(
    forms: list[str], latin_algorithm: str, remembered: dict[str, str] | None
) -> dict[str, str]:
    """What each form stems to (Snowball: Arabic, or the Latin language's)."""
    if remembered is not None:
        stems = {form: stem for form in forms if (stem := remembered.get(form)) is not None}
        forms = [form for form in forms if form not in stems]
    else:
        stems = {}
    arabic_forms = [form for form in forms if arabic.is_arabic_letter(form[0])]
    other_forms = [form for form in forms if not arabic.is_arabic_letter(form[0])]
    fresh = dict(zip(arabic_forms, _stemmer("arabic").stemWords(arabic_forms)))
    fresh.update(zip(other_forms, _stemmer(latin_algorithm).stemWords(other_forms)))
    if remembered is not None:
        if len(remembered) > _STEM_MEMORY:
            remembered.clear()
        remembered.update(fresh)
    stems.update(fresh)
    return stems


# Forms a worker remembers the stems of, per algorithm: about 100 bytes each.
_STEM_MEMORY = 2_000_000
_stem_memories: dict[str, dict[str, str]] = {}


def _stem_memory(latin_algorithm: str) -> dict[str, str]:
    return _stem_memories.setdefault(latin_algorithm, {})


@functools.lru_cache(maxsize=8)
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


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
        stems = _stems(forms, self.latin_algorithm, self._remembered)
        stop = stopwords()
        for form in forms:
            stem = stems[form] or form
            stem_id = self._stem_ids.get(stem)
            if stem_id is None:
                stem_id = self._stem_ids[stem] = len(self.stems)
                self.stems.append(stem)
            # One-letter tokens are clitics cut off by punctuation («لـ«الشرق»») or initials.
            is_stop = form in stop or len(form) < 2
            self._form_code[form] = stem_id * 2 + int(is_stop)

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
        for k in np.flatnonzero(ids < 0).tolist():
            stem = stems[k]
            found = known.get(stem)  # a stem listed twice
            if found is None:
                found = known[stem] = len(self.stems)
                self.stems.append(stem)
            ids[k] = found
        return ids

    def tokens(self, text: str) -> Tokens:
        found = words(text)
        ids, stop = self.encode(found.forms)
        return Tokens(ids, stop, found.starts.astype(np.int32), found.ends.astype(np.int32))


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
    docs = [vocabulary.tokens(text) for text in texts]

    def flat(name: str, dtype: type) -> np.ndarray:
        parts = [getattr(doc, name) for doc in docs]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    return ChunkTokens(
        vocabulary.stems,
        np.fromiter(map(len, docs), dtype=np.int64, count=len(docs)),
        flat("ids", np.int32),
        flat("stop", np.bool_),
        flat("starts", np.int32),
        flat("ends", np.int32),
    )


def merge_chunks(vocabulary: Vocabulary, chunks: Sequence[ChunkTokens]) -> list[Tokens]:
    """The chunks' texts, in order, in ``vocabulary``'s ids.

    A chunk's own vocabulary numbered its stems in order of first appearance, so adopting
    them in that order (:meth:`Vocabulary.adopt`), chunk after chunk, gives every stem the id
    :meth:`Vocabulary.tokens` would have given it over all the texts in order."""
    merged: list[Tokens] = []
    for chunk in chunks:
        ids = vocabulary.adopt(chunk.stems)[chunk.ids].astype(np.int32)
        cuts = np.cumsum(chunk.lengths)[:-1]
        merged.extend(
            Tokens(*parts)
            for parts in zip(
                np.split(ids, cuts),
                np.split(chunk.stop, cuts),
                np.split(chunk.starts, cuts),
                np.split(chunk.ends, cuts),
            )
        )
    return merged

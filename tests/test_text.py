from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naql.text.tokenize as tokenize_module
from naql.text import Vocabulary, normalize, normalize_with_offsets, words
from naql.text.tokenize import tokenize_flat, words_of
from naql.text.tokens import document_frequency

ARABIC = "".join(chr(c) for c in range(0x0621, 0x064B)) + "ىةأإآؤئ"
MARKS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0640\u0670\u200c\u200d\u200f"
EXTRA = " \n\t.,،؛؟«»“”-—0123456789٠١٢٣٤٥٦٧٨٩ﻻﷲAbCdÉİß"
arabicish = st.text(alphabet=ARABIC + MARKS + EXTRA, max_size=200)
anything = st.text(max_size=200)


@given(st.one_of(arabicish, anything))
@settings(max_examples=300)
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.one_of(arabicish, anything))
@settings(max_examples=300)
def test_every_token_slices_the_original_to_itself(text: str) -> None:
    found = words(text)
    assert len(found.forms) == len(found.starts) == len(found.ends)
    for form, start, end in zip(found.forms, found.starts.tolist(), found.ends.tolist()):
        assert 0 <= start < end <= len(text)
        assert normalize(text[start:end]) == form


@given(st.one_of(arabicish, anything))
@settings(max_examples=200)
def test_offsets_point_at_the_source_characters(text: str) -> None:
    normalized, origin = normalize_with_offsets(text)
    assert len(origin) == len(normalized)
    assert list(origin) == sorted(origin)
    for position, source in zip(range(len(normalized)), origin.tolist()):
        assert normalize(text[source]) != "" or normalized[position] == text[source]


def test_arabic_orthography_is_folded() -> None:
    assert normalize("أكّد الرئيسُ إنّ المسؤولة آمنة") == "اكد الرءيس ان المسءوله امنه"
    assert normalize("مسئول") == normalize("مسؤول")
    assert normalize("على مستشفى") == "علي مستشفي"
    assert normalize("٢٠١٨ ۲۰۱۸") == "2018 2018"
    assert normalize("لـ«الشرق الأوسط»، حسناً؟") == 'ل"الشرق الاوسط", حسنا?'
    assert normalize("ﻻ") == "لا"


def test_latin_is_casefolded() -> None:
    assert normalize("According to REUTERS") == "according to reuters"
    assert words("Selon l'AFP, İstanbul").forms == ["selon", "l", "afp", "istanbul"]


def test_tokens_keep_original_offsets_through_diacritics_and_tatweel() -> None:
    text = "قالَ  المـــشير: «توقّع»"
    found = words(text)
    assert found.forms == ["قال", "المشير", "توقع"]
    assert [text[s:e] for s, e in zip(found.starts, found.ends)] == ["قالَ", "المـــشير", "توقّع"]


def test_vocabulary_stems_and_flags_stopwords() -> None:
    vocabulary = Vocabulary()
    tokens = vocabulary.tokens("وقال إن المعلمون في المدرسة والمعلمين the teachers")
    stems = [vocabulary.stems[i] for i in tokens.ids]
    assert tokens.stop.tolist() == [True, True, False, True, False, False, True, False]
    assert stems[-1] == "teacher"
    # Light stemming brings the determiner and plural forms together.
    again = vocabulary.tokens("معلم")
    assert again.ids[0] in tokens.ids or vocabulary.stems[again.ids[0]] in stems


def test_vocabulary_rejects_unknown_language() -> None:
    import pytest

    with pytest.raises(ValueError, match="choose one of"):
        Vocabulary("xx")


@given(st.one_of(arabicish, anything))
@settings(max_examples=300)
def test_normalize_is_the_offsets_path_text(text: str) -> None:
    # normalize() translates with a table; normalize_with_offsets() maps arrays: one map.
    assert normalize(text) == normalize_with_offsets(text)[0]


def _same_tokens(texts: list[str], block_chars: int) -> None:
    one_by_one, in_blocks = Vocabulary("en"), Vocabulary("en")
    expected = [one_by_one.tokens(text) for text in texts]
    found = [
        doc
        for block in tokenize_flat(in_blocks, texts, block_chars=block_chars)
        for doc in block.split()
    ]
    assert in_blocks.stems == one_by_one.stems
    assert len(found) == len(expected)
    for want, got in zip(expected, found):
        for field in ("ids", "stop", "starts", "ends"):
            assert getattr(got, field).dtype == getattr(want, field).dtype
            assert getattr(got, field).tolist() == getattr(want, field).tolist()


@given(
    st.lists(st.one_of(arabicish, anything, st.just("")), max_size=12),
    st.integers(min_value=1, max_value=400),
)
@settings(max_examples=300)
def test_block_tokenizing_gives_each_text_its_own_tokens_and_the_same_ids(
    texts: list[str], block_chars: int
) -> None:
    # Texts joined into blocks of any size (one text each, several, all) tokenise exactly as
    # one at a time: offsets into each text, stem ids in first-appearance order.
    _same_tokens(texts, block_chars)


def test_block_tokenizing_does_not_depend_on_the_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every form hashing alike must take the form-by-form path, with the same result.
    monkeypatch.setattr(tokenize_module, "_MIX", 0)
    monkeypatch.setattr(tokenize_module, "_BASE", 0)
    _same_tokens(["كتب الولد الدرس", "the boy wrote, the boys write", "درس الولد"], 10_000)
    _same_tokens(["aa ab ba", "ﻻ ﷲ 𐌰𐌱 x"], 3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["سلمان", "الرياض", "في", "2015", "قال", "news", "و"]))),
    st.booleans(),
    st.integers(1, 5),
)
def test_document_frequency_counts_each_text_once(
    texts: list[list[str]], content: bool, block: int
) -> None:
    vocabulary = Vocabulary()
    tokens = [
        block_tokens
        for b in tokenize_flat(vocabulary, [" ".join(t) for t in texts])
        for block_tokens in b.split()
    ]
    expected = np.zeros(len(vocabulary), dtype=np.int64)
    for doc in tokens:
        expected[np.unique(doc.ids[~doc.stop] if content else doc.ids)] += 1
    found = document_frequency(tokens, len(vocabulary), content, block)
    assert found.tolist() == expected.tolist()


@given(
    st.lists(st.one_of(arabicish, anything, st.just("")), max_size=12),
    st.integers(min_value=1, max_value=400),
)
@settings(max_examples=300)
def test_words_a_block_at_a_time_are_each_texts_own(texts: list[str], block_chars: int) -> None:
    # Credits read every page's words a block of pages at a time: forms and offsets into each
    # page must be those of the page alone, whatever the block.
    got = list(words_of(texts, block_chars))
    assert len(got) == len(texts)
    for text, found in zip(texts, got):
        want = words(text)
        assert found.forms == want.forms
        assert found.starts.tolist() == want.starts.tolist()
        assert found.ends.tolist() == want.ends.tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([1, 7, 255, 256, 65_535, 65_536, 70_000])),
        max_size=40,
    ),
    st.data(),
)
def test_tokens_keep_every_end_whatever_the_longest_token(
    pieces: list[tuple[int, int]], data: st.DataObject
) -> None:
    # Tokens hold lengths in the narrowest type the text's longest token fits; the ends they
    # give back must be the ends they were made from, a URL of 70,000 characters included.
    import pickle

    from naql.text import Tokens

    starts, ends, position = [], [], 0
    for gap, size in pieces:
        position += gap
        starts.append(position)
        position += size
        ends.append(position)
    s = np.array(starts, dtype=np.int32)
    e = np.array(ends, dtype=np.int32)
    tokens = Tokens(np.zeros(len(s), np.int32), np.zeros(len(s), bool), s, e)
    again = pickle.loads(pickle.dumps(tokens))
    for found in (tokens, again):
        assert found.ends.tolist() == ends
        assert [found.end(k) for k in range(len(found))] == ends
        if ends:
            first = data.draw(st.integers(0, len(ends)))
            last = data.draw(st.integers(first, len(ends)))
            assert found.ends_in(first, last).tolist() == ends[first:last]
    assert tokens.lengths.itemsize == (
        1 if max(e - s, default=0) < 256 else 2 if max(e - s, default=0) < 65_536 else 4
    )

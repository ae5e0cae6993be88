"""Compound number words read as the figures other outlets print (naql.text.numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_align import align_two
from test_text import _same_tokens

import naql.text.numbers as numbers
from naql.text import Vocabulary, normalize, words
from naql.text.chunks import merge_chunks, tokenize_chunk


def _read(text: str) -> list[tuple[str, str]]:
    vocabulary = Vocabulary()
    found = vocabulary.tokens(text)
    return [
        (vocabulary.stems[stem], text[start:end])
        for stem, start, end in zip(found.ids.tolist(), found.starts.tolist(), found.ends.tolist())
    ]


def test_compounds_read_as_the_figures_papers_print() -> None:
    text = (
        "بالمرتبتين الخامسة عشرة والرابعة عشرة، في الحادي والعشرين من الشهر، "
        "بخمسة وعشرين موظفا و ثلاثة آلاف ريال واثنا عشر ألف زائر"
    )
    read = _read(text)
    assert ("15", "الخامسة عشرة") in read
    assert ("14", "والرابعة عشرة") in read
    assert ("21", "الحادي والعشرين") in read
    assert ("25", "بخمسة وعشرين") in read
    # A unit before a scale word is the digit a paper prints before it («3 آلاف»).
    assert ("3", "ثلاثة") in read and ("الاف", "آلاف") in read
    assert ("12", "واثنا عشر") in read and ("الف", "ألف") in read
    # The paper's own wording tokenises to the same stems.
    paper = "بالمرتبتين 15 و 14، في 21 من الشهر، ب 25 موظفا و 3 آلاف ريال و 12 ألف زائر"
    figures = {stem for stem, _ in read if stem.isdigit()}
    assert figures == {stem for stem, _ in _read(paper) if stem.isdigit()}


def test_a_days_ordinal_before_a_month_is_the_days_figure() -> None:
    # SPA's «يوم الأحد الخامس من شهر ذي القعدة» against a paper's «الأحد 5 ذو القعدة».
    assert ("5", "الخامس") in _read("يوم الأحد الخامس من شهر ذي القعدة")
    assert ("10", "العاشر") in _read("في العاشر من أغسطس")
    assert ("1", "الأول") in _read("الأول من نوفمبر")
    assert ("21", "الحادي والعشرين") in _read("الحادي والعشرين من يوليو")
    # Elsewhere an ordinal is a word: the fifth chapter, the first of them.
    assert not any(stem.isdigit() for stem, _ in _read("الفصل الخامس من الكتاب"))
    assert not any(stem.isdigit() for stem, _ in _read("الأول من نوعه"))
    assert not any(stem.isdigit() for stem, _ in _read("الخامس، من أغسطس"))


@pytest.mark.parametrize(
    "text",
    [
        "خمسة، عشرة",  # a list, not a compound
        "خمسة\nعشرة",  # a line break between them
        "ست نساء",  # single number words stay words («ست» is also a lady)
        "عشرة",
        "الثاني في الترتيب",
        "الخامسة عشرة",  # an ordinal before nothing: it is merged, below
    ],
)
def test_only_neighbouring_number_words_make_a_figure(text: str) -> None:
    read = _read(text)
    if text == "الخامسة عشرة":
        assert read == [("15", text)]
    else:
        assert not any(stem.isdigit() for stem, _ in read)
        assert len(read) == len(words(text).forms)


NUMBER_WORDS = [
    "الخامسة",
    "عشرة",
    "عشر",
    "وعشرين",
    "والعشرين",
    "ثلاثة",
    "آلاف",
    "ألف",
    "ملايين",
    "الحادي",
    "اثنا",
    "خمس",
    "ستة",
    "15",
    "في",
    "المرتبة",
    "الرياض",
    "العاشر",
    "من",
    "شهر",
    "أغسطس",
]
number_texts = st.lists(
    st.tuples(st.sampled_from(NUMBER_WORDS), st.sampled_from([" ", " ", "  ", "، ", "\n", "."])),
    max_size=30,
).map(lambda parts: "".join(word + gap for word, gap in parts))


@given(st.lists(number_texts, max_size=8), st.integers(min_value=1, max_value=300))
@settings(max_examples=300)
def test_compounds_tokenise_alike_a_block_at_a_time_and_one_text_at_a_time(
    texts: list[str], block_chars: int
) -> None:
    # The stems' ids in first-appearance order, the spans and flags: as the batch tokeniser
    # would give them with no compound at all (test_text's own property, on number words).
    _same_tokens(texts, block_chars)


@given(st.lists(number_texts, min_size=1, max_size=8), st.integers(min_value=0, max_value=8))
@settings(max_examples=100, deadline=None)
def test_compounds_tokenised_in_chunks_merge_to_one_vocabularys_ids(
    texts: list[str], cut: int
) -> None:
    # What a worker or an executor does with its share: the chunks' own vocabularies, merged in
    # order, give each figure the id one vocabulary gives it where its compound first stands.
    cut = min(cut, len(texts))
    chunks = [tokenize_chunk(part) for part in (texts[:cut], texts[cut:]) if part]
    merged_vocabulary, one = Vocabulary(), Vocabulary()
    merged = merge_chunks(merged_vocabulary, chunks)
    expected = [one.tokens(text) for text in texts]
    assert merged_vocabulary.stems == one.stems
    for got, want in zip(merged, expected, strict=True):
        for field in ("ids", "stop", "starts", "ends"):
            assert getattr(got, field).tolist() == getattr(want, field).tolist()


@given(number_texts)
@settings(max_examples=300)
def test_a_figure_spans_its_words_and_every_other_token_itself(text: str) -> None:
    vocabulary = Vocabulary()
    found = vocabulary.tokens(text)
    for stem_id, start, end in zip(found.ids.tolist(), found.starts.tolist(), found.ends.tolist()):
        span = text[start:end]
        stem = vocabulary.stems[stem_id]
        parts = span.split()
        if len(parts) > 1:
            assert stem.isdigit() and len(parts) == 2
            assert numbers.spaces_only(span[len(parts[0]) : len(span) - len(parts[1])])
            first, second = numbers.roles([normalize(part) for part in parts])
            assert first[0] > 0 and second[1] > 0
        else:
            assert words(span).forms == [normalize(span)] or stem.isdigit()


SPA_LIST = (
    "وافق مجلس الوزراء على تعيينات بالمرتبتين الخامسة عشرة والرابعة عشرة وذلك على النحو "
    "التالي: تعيين سالم بن حمد بن ناصر القحطاني على وظيفة مستشار أمني بالمرتبة الخامسة عشرة "
    "بإمارة منطقة تبوك. تعيين فهد بن سعد بن علي الغامدي على وظيفة أمين منطقة نجران بالمرتبة "
    "الخامسة عشرة بأمانة منطقة نجران. تعيين خالد بن عمر بن محمد الشهري على وظيفة رئيس قطاع "
    "بالمرتبة الرابعة عشرة بوزارة المالية. تعيين ماجد بن صالح بن عبدالله العتيبي على وظيفة "
    "أمين عام محكمة بالمرتبة الرابعة عشرة بوزارة العدل."
)


def test_an_agency_list_spelling_its_ranks_is_one_passage_with_the_paper_printing_them() -> None:
    # SPA spells the ranks, the paper prints them: word for word the list differed at every
    # rank (a "shuffled" passage of 58 words matched, the ranks each side's own material).
    paper = (
        SPA_LIST.replace("الخامسة عشرة", "15")
        .replace("الرابعة عشرة", "14")
        .replace("تعيين", "• تعيين")
    )
    found = align_two(paper, SPA_LIST)
    assert len(found) == 1
    assert found[0].a_span.end - found[0].a_span.start >= 0.95 * len(paper)
    assert found[0].kind == "verbatim"
    assert found[0].matched_words == 67


def test_number_words_are_found_whatever_hash_was_asked_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The number words' hashes are remembered per hash: a block tokenised with other hash
    # constants (test_text's collision test) must not leave the real blocks blind to them.
    import naql.text.tokenize as tokenize_module

    with monkeypatch.context() as patched:
        patched.setattr(tokenize_module, "_MIX", 0)
        patched.setattr(tokenize_module, "_BASE", 0)
        list(tokenize_module.tokenize_flat(Vocabulary(), ["x"], block_chars=3))
    vocabulary = Vocabulary()
    [block] = tokenize_module.tokenize_flat(vocabulary, ["بالمرتبة الخامسة عشرة"])
    assert [vocabulary.stems[k] for k in block.ids.tolist()] == ["مرتبه", "15"]

"""Alignment on planted passages (property tests) and on the formulaic-phrase rule."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from naql import align
from naql.config import Config
from naql.pairs import to_passage
from naql.reuse import reused_passages
from naql.text import Vocabulary, normalize

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def vocabulary_of(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 7))) for _ in range(size)]


def planted(seed: int, edit: str) -> tuple[str, str, tuple[int, int], tuple[int, int]]:
    """A source and a suspicious text sharing one 60-word passage, edited as asked.

    Returns both texts and the planted passage's character ranges in each.
    """
    rng = random.Random(seed)
    words = vocabulary_of(rng, 3000)
    source_words = [rng.choice(words) for _ in range(400)]
    start = rng.randint(0, 300)
    passage = source_words[start : start + 60]
    copied = list(passage)
    if edit == "edited":
        for _ in range(8):  # swaps and insertions, order kept
            copied[rng.randrange(len(copied))] = rng.choice(words)
            copied.insert(rng.randrange(len(copied)), rng.choice(words))
    elif edit == "shuffled":
        rng.shuffle(copied)
    elif edit == "marked":  # diacritics and tatweel sprinkled in, as a re-typeset copy would
        copied = [w[0] + "\u064e" + w[1:] + "\u0640" if len(w) > 2 else w for w in copied]
    before = [rng.choice(words) for _ in range(rng.randint(0, 150))]
    after = [rng.choice(words) for _ in range(rng.randint(0, 150))]
    source = " ".join(source_words)
    suspicious_prefix = " ".join(before) + (" " if before else "")
    suspicious = suspicious_prefix + " ".join(copied) + (" " if after else "") + " ".join(after)
    source_start = len(" ".join(source_words[:start])) + (1 if start else 0)
    source_range = (source_start, source_start + len(" ".join(passage)))
    suspicious_range = (len(suspicious_prefix), len(suspicious_prefix) + len(" ".join(copied)))
    return source, suspicious, source_range, suspicious_range


def align_two(suspicious: str, source: str):
    vocabulary = Vocabulary()
    a, b = vocabulary.tokens(suspicious), vocabulary.tokens(source)
    found = reused_passages([a], [b], len(vocabulary), Config())
    return [to_passage(p, "susp", "src", a, b) for p in found]


def overlap(span, expected: tuple[int, int]) -> float:
    inter = max(0, min(span.end, expected[1]) - max(span.start, expected[0]))
    return inter / (expected[1] - expected[0])


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000), edit=st.sampled_from(["verbatim", "edited", "shuffled", "marked"])
)
def test_planted_passage_is_found_once_with_exact_offsets(seed: int, edit: str) -> None:
    source, suspicious, source_range, suspicious_range = planted(seed, edit)
    found = align_two(suspicious, source)
    assert len(found) == 1, f"{edit}: expected one passage, got {len(found)}"
    passage = found[0]
    # Offsets slice whole words of the ORIGINAL texts, inside the texts.
    for text, span in ((suspicious, passage.a_span), (source, passage.b_span)):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start].strip() and text[span.end - 1].strip()
        assert span.start == 0 or not text[span.start - 1].isalpha()
        assert span.end == len(text) or not text[span.end].isalpha()
    assert overlap(passage.a_span, suspicious_range) >= 0.8
    assert overlap(passage.b_span, source_range) >= 0.8
    if edit in ("verbatim", "marked"):
        assert (
            passage.a_span.start == suspicious_range[0]
            and passage.a_span.end == suspicious_range[1]
        )
        assert normalize(suspicious[passage.a_span.start : passage.a_span.end]).replace(
            "\u0640", ""
        ) == normalize(source[passage.b_span.start : passage.b_span.end])
        assert passage.kind == "verbatim"
    if edit == "shuffled":
        assert passage.kind == "shuffled"


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_unrelated_texts_share_nothing(seed: int) -> None:
    rng = random.Random(seed)
    # Each text uses a sixth of the vocabulary: about 15% of one's words occur in the other,
    # as between two unrelated reports on one topic.
    words = vocabulary_of(rng, 3000)
    a = " ".join(rng.choice(words) for _ in range(500))
    b = " ".join(rng.choice(words) for _ in range(500))
    assert align_two(a, b) == []


def test_a_formulaic_title_alone_never_makes_a_passage() -> None:
    title = "قائد الجيش الوطني الليبي المشير خليفة حفتر"
    a = f"التقى {title} وفدا أميركيا في الرجمة لبحث وقف النار وإخلاء الهلال النفطي من القوات."
    b = f"زار {title} دمشق سرا لتنسيق الجهود ضد تركيا مع رئيس المخابرات المصرية عباس كامل."
    assert align_two(a, b) == []


def test_fragments_of_one_edited_passage_merge_into_one_detection() -> None:
    rng = random.Random(7)
    words = vocabulary_of(rng, 3000)
    passage = [rng.choice(words) for _ in range(120)]
    # An 18-word insertion in the middle: below the gap, so still one passage.
    inserted = passage[:60] + [rng.choice(words) for _ in range(18)] + passage[60:]
    found = align_two(" ".join(inserted), " ".join(passage))
    assert len(found) == 1
    assert found[0].kind == "edited"


def figure_in(figure: str, others: list[str]) -> bool:
    """The reference: whole, inside a longer figure, or as the run of the figures' parts."""
    if figure in others:
        return True
    if len(figure) >= 2 and any(figure in other for other in others if len(other) > len(figure)):
        return True
    return len(figure) >= 4 and figure in "".join(others)


digits = st.text(alphabet="0123456789", min_size=1, max_size=7)


@given(digits, st.lists(digits, max_size=8))
@settings(max_examples=500)
def test_figures_hold_a_figure_exactly_when_the_reference_does(
    figure: str, others: list[str]
) -> None:
    assert align.Figures(others).holds(figure) == figure_in(figure, others)

"""Alignment on planted passages (property tests) and on the formulaic-phrase rule."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from naql import align, wording
from naql.config import Config
from naql.pairs import to_passage
from naql.pipeline import trace
from naql.records import Article
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
    assert wording.Figures(others).holds(figure) == figure_in(figure, others)


def _reference_phrase_share(a, b, p) -> float:
    """What :func:`naql.wording.phrase_shares` gives one passage, by sets."""

    def phrases(doc, start, end):
        window = slice(start, end + 1)
        stems = [int(s) for s, stop in zip(doc.ids[window], doc.stop[window]) if not stop]
        return list(zip(stems, stems[1:]))

    mine, theirs = phrases(a, p.i0, p.i1), phrases(b, p.j0, p.j1)
    if not mine or not theirs:
        return 0.0
    return min(
        sum(x in set(theirs) for x in mine) / len(mine),
        sum(x in set(mine) for x in theirs) / len(theirs),
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(0, 40),
    words=st.integers(2, 40),
    batch=st.integers(1, 50),
    numbered=st.booleans(),
)
def test_phrase_shares_of_many_passages_are_each_passages_own(
    seed: int, count: int, words: int, batch: int, numbered: bool
) -> None:
    rng = random.Random(seed)
    vocabulary = Vocabulary()
    # Few distinct words, so that phrases recur and partly match.
    lexicon = ["في", "من", *vocabulary_of(rng, words)]
    docs = [
        vocabulary.tokens(" ".join(rng.choice(lexicon) for _ in range(rng.randint(1, 60))))
        for _ in range(6)
    ]
    passages = []
    for _ in range(count):
        left, right = rng.randrange(6), rng.randrange(6)
        i0 = rng.randrange(len(docs[left]))
        j0 = rng.randrange(len(docs[right]))
        i1 = rng.randrange(i0, len(docs[left]))
        j1 = rng.randrange(j0, len(docs[right]))
        passages.append(align.TokenPassage(left, right, i0, i1, j0, j1, 1, 0.5))
    # ``numbered``: as a vocabulary too large to key by stem ids would be.
    limit = 1 if numbered else wording._KEY_LIMIT
    with patch.object(wording, "_KEY_LIMIT", limit):
        found = wording.phrase_shares(docs, docs, passages, batch=batch)
    assert len(found) == count
    for share, p in zip(found.tolist(), passages):
        assert abs(share - _reference_phrase_share(docs[p.left], docs[p.right], p)) < 1e-12


COUNTRIES = (
    "المانيا بلجيكا هولندا البرتغال رومانيا انجلترا ويلز اسبانيا كرواتيا سلوفاكيا النمسا "
    "ايطاليا سويسرا التشيك فرنسا ايسلندا الدنمارك البوسنة اوكرانيا اسكتلندا بولندا المجر "
    "السويد البانيا ايرلندا صربيا اليونان تركيا سلوفينيا اسرائيل النرويج بلغاريا استونيا قبرص "
    "لاتفيا ارمينيا فنلندا مقدونيا اذربيجان مولدافيا ليتوانيا كازاخستان لوكسمبورغ جورجيا مالطا"
).split()
ORDINALS = "الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع".split()


def _draw_reports() -> tuple[Article, Article]:
    """A qualifying draw's pots, and its groups drawn from them: the same 45 names, each
    report in sentences of its own."""
    rng = random.Random(3)
    pots = [COUNTRIES[k : k + 9] for k in range(0, 45, 9)]
    drawn = [name for pot in pots for name in rng.sample(pot, len(pot))]
    before = (
        "أعلن الاتحاد الدولي لكرة القدم تحديد رؤوس المجموعات في قرعة التصفيات اليوم. "
        + " ".join(f"وضم المستوى {n} " + " و".join(pot) + "." for n, pot in zip(ORDINALS, pots))
    )
    after = "فيما يلي نتائج قرعة التصفيات الأوروبية المؤهلة لنهائيات كأس العالم. " + " ".join(
        f"المجموعة {n} تضم " + " و".join(drawn[k : k + 5]) + "."
        for n, k in zip(ORDINALS, range(0, 45, 5))
    )
    return (
        Article(id="pots", text=before, outlet="a", date="2015-07-25"),
        Article(id="groups", text=after, outlet="b", date="2015-07-25"),
    )


def test_the_same_names_listed_in_sentences_of_their_own_are_no_shared_text() -> None:
    pots, groups = _draw_reports()
    # The aligner finds the names, densely and in no order...
    vocabulary = Vocabulary()
    a, b = vocabulary.tokens(pots.text), vocabulary.tokens(groups.text)
    found = reused_passages([a], [b], len(vocabulary), Config())
    assert [to_passage(p, "a", "b", a, b).kind for p in found] == ["shuffled"]
    assert wording.phrase_shares([a], [b], found)[0] < 0.1
    # ... and the trace does not call them shared text, though the names still tie the two
    # reports into one story.
    found_trace = trace([pots, groups], Config())
    assert found_trace.alignments == []
    assert [sorted(story.articles) for story in found_trace.stories] == [["groups", "pots"]]
    assert found_trace.counts["pairs_with_reuse"] == 0
    # PAN's obfuscation shuffles copied words: there, the overlap is a copy.
    assert len(trace([pots, groups], Config.for_pan()).alignments) == 1


def test_the_same_names_link_two_reports_only_as_near_in_time_as_a_topic_does() -> None:
    pots, groups = _draw_reports()
    window = Config().stories.topic_days
    for days, stories in ((window - 0.5, 1), (window + 0.5, 2)):
        later = replace(groups, date=(datetime(2015, 7, 25) + timedelta(days=days)).isoformat())
        assert len(trace([pots, later], Config()).stories) == stories, days


def test_a_copy_with_its_sentences_reordered_is_still_shared_text() -> None:
    rng = random.Random(11)
    words = vocabulary_of(rng, 2000)
    sentences = [" ".join(rng.choice(words) for _ in range(12)) + "." for _ in range(8)]
    moved = sentences[4:] + sentences[:4]
    source = Article(id="source", text=" ".join(sentences), outlet="a", date="2015-07-25")
    copy = Article(id="copy", text=" ".join(moved), outlet="b", date="2015-07-25")
    found = trace([source, copy], Config())
    assert len(found.alignments) == 1
    # Its words are out of order over the whole, as the names above are; its phrases are not.
    assert [p.kind for p in found.alignments[0].passages] == ["shuffled"]
    assert min(found.alignments[0].a_share, found.alignments[0].b_share) > 0.9

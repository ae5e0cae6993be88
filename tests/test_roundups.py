"""Pages reporting another story's event in some of their lines, in words of their own."""

from __future__ import annotations

import dataclasses

import numpy as np

from naql.align import align_pairs
from naql.config import AlignConfig
from naql.records import Article
from naql.stories import StoryConfig, StoryGroups
from naql.stories.roundups import Run, cut_roundups, joined, page_runs
from naql.stories.topical import term_weights
from naql.text import Vocabulary

# Three reports of one flood rescue, each in its own words.
FLOOD = [
    "أنقذت فرق الدفاع المدني في محافظة الجموم أربعة عشر شخصا احتجزتهم السيول في وادي فاطمة مساء "
    "الثلاثاء، وقال المتحدث الرسمي العقيد سعيد سرحان إن الفرق استخدمت قوارب مطاطية لانتشال "
    "المحتجزين من مركباتهم بعد أن غمرت المياه الطريق الرابط بين الجموم ومدركة، مشيرا إلى نقل ثلاثة "
    "منهم إلى مستشفى الجموم العام لتلقي العلاج من إصابات طفيفة، ومحذرا السكان من الاقتراب من مجاري "
    "الأودية.",
    "احتجزت السيول في وادي فاطمة أربعة عشر شخصا داخل مركباتهم مساء الثلاثاء، قبل أن تتمكن فرق "
    "الدفاع المدني بالجموم من إنقاذهم جميعا، بحسب العقيد سعيد سرحان الذي أوضح أن عمليات الإنقاذ "
    "جرت بقوارب مطاطية على الطريق بين مدركة والجموم، وأن ثلاثة من المحتجزين نقلوا إلى مستشفى الجموم "
    "العام وحالتهم مستقرة.",
    "نجا أربعة عشر شخصا من الغرق في وادي فاطمة بعدما حاصرتهم السيول الثلاثاء على طريق الجموم "
    "مدركة، إذ هرعت فرق الدفاع المدني بقوارب مطاطية لانتشالهم، ونقل العقيد سعيد سرحان المتحدث باسم "
    "الدفاع المدني أن ثلاثة منهم احتاجوا إلى العلاج في مستشفى الجموم العام، داعيا إلى الابتعاد عن "
    "الأودية أثناء هطول الأمطار.",
]
# Two reports of a park's opening.
PARK = [
    "افتتح أمين محافظة جدة المهندس صالح التركي حديقة الأمير ماجد الجديدة في حي السلامة على مساحة "
    "ستين ألف متر مربع، وتضم الحديقة ممرات للمشي بطول ثلاثة كيلومترات وملاعب للأطفال ومسطحات خضراء "
    "ونوافير راقصة، وأوضح التركي أن الأمانة زرعت فيها أكثر من خمسة آلاف شجرة وأن الحديقة ستفتح "
    "أبوابها للعائلات يوميا.",
    "دشن المهندس صالح التركي أمين جدة حديقة الأمير ماجد في حي السلامة، وهي حديقة تمتد على ستين ألف "
    "متر مربع وتحتوي على ممر للمشي طوله ثلاثة كيلومترات ونوافير راقصة وملاعب أطفال، وقال إن خمسة "
    "آلاف شجرة زرعت في الحديقة التي تستقبل العائلات طوال أيام الأسبوع ابتداء من اليوم.",
]
LEAD = (
    "حصاد اليوم\n"
    "افتتحت أمانة جدة حديقة الأمير ماجد بحي السلامة بحضور الأمين المهندس صالح التركي، وتمتد "
    "الحديقة على ستين ألف متر مربع فيها ممرات مشي بطول ثلاثة كيلومترات ونوافير راقصة وخمسة آلاف "
    "شجرة، وستكون مفتوحة للعائلات كل يوم، وأكد التركي أن الأمانة تعمل على إنشاء حدائق مماثلة في "
    "الأحياء الشمالية والجنوبية خلال العام المقبل ضمن خطة لزيادة المساحات الخضراء في المحافظة.\n"
)
# The roundup's second item: the flood rescue, told in the page's own words.
RESCUE = (
    "وفي الجموم، أنقذ الدفاع المدني أربعة عشر محتجزا حاصرتهم سيول وادي فاطمة مساء الثلاثاء على "
    "طريق مدركة، واستخدمت الفرق قوارب مطاطية، وذكر العقيد سعيد سرحان أن ثلاثة نقلوا إلى مستشفى "
    "الجموم العام، مكررا تحذيره من عبور الأودية والاقتراب من مجاري السيول.\n"
)
# ... or another flood: another town, day, officer and figures, the same topic's words.
ANOTHER_FLOOD = (
    "وفي تبوك، أخلت فرق الدفاع المدني صباح الجمعة سبع أسر من منازلها في حي المروج بعد تجمع مياه "
    "الأمطار حول المباني، وقال المقدم عبدالله العبدلي إن المضخات سحبت المياه خلال ساعات وإن الأسر "
    "عادت إلى منازلها دون إصابات، فيما واصلت البلدية فتح مجاري التصريف في الشوارع الرئيسية.\n"
)
SPORT = (
    "وفي الرياضة، فاز نادي الهلال على ضيفه الفتح بثلاثة أهداف مقابل هدف في افتتاح الدوري، وسجل "
    "الأهداف البرازيلي كارلوس إدواردو وناصر الشمراني وسالم الدوسري.\n"
)
# The page (0) sits with the park's reports; the flood's are a story of their own.
MEMBERS = [[0, 4, 5], [1, 2, 3]]
SIMILARITY = {(0, 4): 0.5, (0, 5): 0.5, (4, 5): 0.8, (1, 2): 0.8, (1, 3): 0.8, (2, 3): 0.8}


def _pile(page: str):  # type: ignore[no-untyped-def]
    texts = [page, *FLOOD, *PARK]
    vocabulary = Vocabulary("en")
    tokens = vocabulary.tokens_of(texts)
    articles = [Article(id=f"a{k}", text=text) for k, text in enumerate(texts)]
    boost = term_weights(vocabulary, StoryConfig())
    return articles, tokens, boost, vocabulary


def _groups(similarity: dict[tuple[int, int], float], days=None) -> StoryGroups:  # type: ignore[no-untyped-def]
    return StoryGroups([list(m) for m in MEMBERS], similarity, days or {})


def test_a_roundups_later_item_in_its_own_words_is_cut_out_and_joins_that_event() -> None:
    page = LEAD + RESCUE + SPORT
    articles, tokens, boost, vocabulary = _pile(page)
    config = StoryConfig()
    # Linked to the flood's reports by a weak link of the whole page, as roundups are.
    groups = _groups({**SIMILARITY, (0, 1): 0.15})
    runs = page_runs(articles, tokens, groups, set(), [None] * 6, boost, config)
    assert list(runs) == [0]
    (run,) = runs[0]
    assert run.story == 1 and run.mean >= config.roundup_join
    doc = tokens[0]
    assert page[int(doc.starts[run.first]) :].startswith("وفي الجموم")
    assert sorted(run.links) == [1, 2, 3]
    # The page shares its lead's text with a park report, in a passage that runs on into the
    # rescue's lines: the pair is aligned again, part by part.
    (shared,) = align_pairs(tokens, tokens, [(0, 4)], len(vocabulary), AlignConfig())
    crossing = dataclasses.replace(shared, i1=run.first + 5)
    realigned: list[list[tuple[int, int]]] = []

    def realign(pile, pairs):  # type: ignore[no-untyped-def]
        realigned.append(pairs)
        return align_pairs(pile, pile, pairs, len(vocabulary), AlignConfig())

    parts, items = cut_roundups(articles, tokens, {(0, 4): [crossing]}, [], runs, realign)
    assert parts.pages == 1
    lead, rescue = parts.articles[0], parts.articles[1]
    assert (lead.id, rescue.id) == ("a0#1", "a0#2")
    assert lead.text + rescue.text == page
    # The sports line is too short to be an item of its own: it stays with the run before it.
    assert rescue.text == RESCUE + SPORT and rescue.meta["item_of"] == "a0"
    # Each part against the park report (now at 5): only the lead shares its text.
    assert realigned == [[(0, 5), (1, 5)]]
    assert list(parts.by_pair) == [(0, 5)]
    (passage,) = parts.by_pair[(0, 5)]
    assert passage.i1 < len(parts.tokens[0])
    # The rescue's part joins the flood's story; the lead stays with the park's.
    stories = joined(groups, runs, items, parts)
    assert stories.members == [[1, 2, 3, 4], [0, 5, 6]]  # the larger first
    assert {pair for pair in stories.similarity if 1 in pair} == {(1, 2), (1, 3), (1, 4)}


def test_a_later_item_on_another_event_of_the_topic_is_left_alone() -> None:
    articles, tokens, boost, _ = _pile(LEAD + ANOTHER_FLOOD + SPORT)
    groups = _groups({**SIMILARITY, (0, 1): 0.15})
    assert page_runs(articles, tokens, groups, set(), [None] * 6, boost, StoryConfig()) == {}


def test_a_run_far_in_time_or_naming_another_day_or_kept_apart_is_not_counted() -> None:
    from datetime import datetime

    articles, tokens, boost, _ = _pile(LEAD + RESCUE + SPORT)
    groups = _groups({**SIMILARITY, (0, 1): 0.15})
    config = StoryConfig()
    assert page_runs(articles, tokens, groups, set(), [None] * 6, boost, config)
    # The page a week after the flood's reports: its lines are another day's, as links are.
    dates = [datetime(2015, 8, 11), *[datetime(2015, 8, 4)] * 5]
    assert page_runs(articles, tokens, groups, set(), dates, boost, config) == {}
    # The page's lead names another day than the flood's reports do.
    named = _groups({**SIMILARITY, (0, 1): 0.15}, {0: (735817,), 1: (735814,)})
    assert page_runs(articles, tokens, named, set(), [None] * 6, boost, config) == {}
    # The page is kept apart from one of them (a template of it).
    assert page_runs(articles, tokens, groups, {(0, 2)}, [None] * 6, boost, config) == {}


def test_a_page_that_cannot_be_cut_keeps_its_story_and_its_passages() -> None:
    # A run starting inside the lead's first 40 tokens: the lead would be too short to be a
    # part, so the page stays whole, in its own story, and its pair is aligned again whole.
    page = LEAD + RESCUE + SPORT
    articles, tokens, boost, vocabulary = _pile(page)
    groups = _groups({**SIMILARITY, (0, 1): 0.15})
    line = page.index("\n") + 1  # the lead's second line, a few tokens in
    first = int(np.searchsorted(tokens[0].starts, line))
    runs = {0: [Run(first, len(tokens[0]) - 1, 1, {1: 0.5}, 0.5)]}
    (shared,) = align_pairs(tokens, tokens, [(0, 4)], len(vocabulary), AlignConfig())

    def realign(pile, pairs):  # type: ignore[no-untyped-def]
        return align_pairs(pile, pile, pairs, len(vocabulary), AlignConfig())

    parts, items = cut_roundups(articles, tokens, {(0, 4): [shared]}, [], runs, realign)
    assert parts.pages == 0 and [a.id for a in parts.articles] == [a.id for a in articles]
    assert list(parts.by_pair) == [(0, 4)]
    assert joined(groups, runs, items, parts).members == [[0, 4, 5], [1, 2, 3]]


def test_a_block_read_against_its_share_of_the_pile_finds_the_same_runs() -> None:
    # On Spark a block of pages is sent only the stories its pages are in or may join
    # (RunsPile.restricted), numbered anew: the runs, numbered back, are the whole pile's.
    texts = [SPORT, LEAD + RESCUE + SPORT, *FLOOD, *PARK, ANOTHER_FLOOD]
    vocabulary = Vocabulary("en")
    tokens = vocabulary.tokens_of(texts)
    articles = [Article(id=f"a{k}", text=text) for k, text in enumerate(texts)]
    boost = term_weights(vocabulary, StoryConfig())
    # The page (1) sits with the park's reports (story 2), the flood's are story 1; two
    # stories the page has nothing to do with come first and last.
    members = [[0], [2, 3, 4], [1, 5, 6], [7]]
    similarity = {(1, 5): 0.5, (1, 6): 0.5, (5, 6): 0.8, (2, 3): 0.8, (2, 4): 0.8, (3, 4): 0.8}
    groups = StoryGroups(members, {**similarity, (1, 2): 0.15}, {})
    config = StoryConfig()
    whole = page_runs(articles, tokens, groups, set(), [None] * 8, boost, config)
    shares: list[tuple[list[int], list[int]]] = []

    def by_share(pile, pages_read, blocks):  # type: ignore[no-untyped-def]
        found = []
        for pages in blocks:
            share = pile.restricted(pages)
            shares.append((share.texts.tolist(), share.stories.tolist()))
            texts_read = [pages_read[page].text for page in pages]
            found.append(share.numbered(share.pile.runs(share.pages, texts_read)))
        return found

    assert page_runs(articles, tokens, groups, set(), [None] * 8, boost, config, by_share) == whole
    assert [run.story for run in whole[1]] == [1] and sorted(whole[1][0].links) == [2, 3, 4]
    assert shares == [([1, 2, 3, 4, 5, 6], [1, 2])]

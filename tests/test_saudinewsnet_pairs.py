"""Quality gate on real news: 181 SaudiNewsNet pairs read by hand (tests/data/
saudinewsnet_pairs.md says how they were drawn and read, without naql's output), and a second
draw of 150 by the same method (saudinewsnet_pairs_2.md), read after naql had been set on the
first: the first draw's figures were partly tuned on it, the second's were not; a third draw
of 150 (saudinewsnet_pairs_3.md), read after every rule of stop 31 was set; a fourth
(saudinewsnet_pairs_4.md), read at stop 37 after every rule of stop 36 was set; and a fifth
(saudinewsnet_pairs_5.md), read at stop 38 after its roundup rule was set; and a sixth
(saudinewsnet_pairs_6.md), read at stop 40 after its rules on the pages' own dates were set;
and a seventh (saudinewsnet_pairs_7.md), read at stop 41 with no rule moved since.

The whole corpus is traced once (about 100 s on two cores), as the held-back measurement does.
Floors are pinned a little under the figures measured when they were set (README): they may be
raised with the method, and lowered only on purpose.
"""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT, shared

from naql.evaluate import pair_scores

pytestmark = pytest.mark.heavy(100)

FLOORS = {
    # 0.863 until stop 30; 0.850 since names shared in no order link only as near in time as
    # a topic (pair 37: two reporters' accounts of one sign campaign, crawled 2.2 days apart),
    # which kept two of the second draw's different events apart; 0.863 again since a
    # roundup's lines reporting another story's event join it (stop 38, pair 1).
    "same_event_together": 0.85,
    "different_event_apart": 0.92,
    "unrelated_apart": 0.97,
    "direction": 0.90,
    "agency_direction": 0.97,
    # 0.939 (46/49) until the pages' own dates ruled out pair 94's copy (stop 40): 0.959.
    "common_source_not_copy": 0.93,
    "template_not_copy": 0.95,
    "no_text_not_aligned": 0.97,
}
# Measured when the second draw was read (stop 30 in the README's count): 0.806, 0.860, 1.000,
# 0.895, 1.000, 0.892, 1.000, 0.925; then 0.988 with shuffled lists of names no longer shared
# text, and different events 0.900 with those lists linking only as near in time as a topic.
FLOORS_2 = {
    "same_event_together": 0.80,
    # 0.920 (46/50) since a day's ordinal before a month is its figure (stop 42: pair 121).
    "different_event_apart": 0.90,
    "unrelated_apart": 0.97,
    "direction": 0.84,
    "agency_direction": 0.94,
    "common_source_not_copy": 0.86,
    "template_not_copy": 0.92,
    "no_text_not_aligned": 0.97,
}

# Measured when the third draw was read (stop 32 in the README's count, on stop 31's code):
# 0.815 (53/65), 0.926 (50/54), 1.000 (31/31), 0.882 (15/17), 1.000 (15/15), 0.868 (33/38),
# 1.000 (15/15), 0.988 (79/80). Each floor is about one pair under.
FLOORS_3 = {
    # 0.831 (54/65) since compound number words are read as figures (stop 42: pair 8).
    "same_event_together": 0.81,
    "different_event_apart": 0.90,
    "unrelated_apart": 0.96,
    "direction": 0.82,
    "agency_direction": 0.93,
    # 0.895 (34/38) since the pages' own dates ruled out pair 141's copy (stop 40).
    "common_source_not_copy": 0.86,
    "template_not_copy": 0.93,
    "no_text_not_aligned": 0.97,
}

# Measured when the fourth draw was read (stop 37, on stop 36's code): 0.706 (48/68), 0.947
# (54/57), 1.000 (25/25), 0.867 (13/15), 0.929 (13/14), 0.897 (35/39), 1.000 (21/21), 1.000
# (75/75). Each floor is about one pair under. Same events 0.750 (51/68) since a roundup's
# lines reporting another story's event join it (stop 38: pairs 82, 112, 135).
FLOORS_4 = {
    "same_event_together": 0.73,
    "different_event_apart": 0.92,
    "unrelated_apart": 0.96,
    "direction": 0.80,
    "agency_direction": 0.85,
    # 0.923 (36/39) since the pages' own dates ruled out pair 104's copy (stop 40); 0.974
    # (38/39) since a paper shorter than the agency's item, with a clause of its own inside
    # the shared text, drew on the fuller version (stop 43).
    "common_source_not_copy": 0.94,
    "template_not_copy": 0.95,
    "no_text_not_aligned": 0.98,
}


# Measured when the fifth draw was read (stop 38, on that stop's code before its credit rule
# in naql.provenance.hidden): 0.839 (47/56), 0.900 (54/60), 1.000 (34/34), 0.762 (16/21),
# 0.882 (15/17), 1.000 (31/31), 0.944 (17/18), 0.988 (79/80); then direction 0.810 (17/21)
# and agency re-runs 0.941 (16/17) once a re-run of an item crediting an absent outlet
# copies the item. Each floor is about one pair under.
FLOORS_5 = {
    "same_event_together": 0.82,
    "different_event_apart": 0.88,
    "unrelated_apart": 0.97,
    "direction": 0.76,
    "agency_direction": 0.88,
    "common_source_not_copy": 0.96,
    # 1.000 (18/18) since a forecast crawled before the other day's was out is not its copy.
    "template_not_copy": 0.94,
    "no_text_not_aligned": 0.97,
}


@pytest.fixture(scope="module")
def full_trace() -> dict:
    corpus = shared("saudinewsnet")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_pairs import full_trace as run

    return json.loads(json.dumps(run(corpus)))


# Measured when the sixth draw was read (stop 40, on that stop's final code; stop 39's scores
# the same): 0.853 (58/68), 0.902 (46/51), 1.000 (31/31), 0.846 (22/26), 1.000 (22/22), 0.944
# (34/36), 1.000 (14/14), 0.973 (72/74). Each floor is about one pair under.
FLOORS_6 = {
    "same_event_together": 0.83,
    "different_event_apart": 0.88,
    "unrelated_apart": 0.96,
    "direction": 0.80,
    "agency_direction": 0.95,
    # 0.972 (35/36) since stop 43 (a paper sharing under half the agency's item with a clause
    # of its own inside the shared text: not the item's copy).
    "common_source_not_copy": 0.94,
    "template_not_copy": 0.92,
    "no_text_not_aligned": 0.95,
}


# Measured when the seventh draw was read (stop 41, whose trace is stop 40's): 0.783 (54/69),
# 0.878 (43/49), 1.000 (32/32), 0.857 (18/21), 0.947 (18/19), 0.975 (39/40), 1.000 (18/18),
# 0.986 (70/71). Each floor is about one pair under. Direction 0.905 (19/21) and agency re-runs
# 1.000 (19/19) since compound number words are read as figures (stop 42: pair 81, in both).
FLOORS_7 = {
    "same_event_together": 0.76,
    "different_event_apart": 0.85,
    "unrelated_apart": 0.96,
    "direction": 0.85,
    "agency_direction": 0.94,
    # 1.000 (40/40) since stop 43 (pair 138: Al-Madina's version, shorter than SPA's item,
    # holds the 16 penalised facilities inside the shared text).
    "common_source_not_copy": 0.97,
    "template_not_copy": 0.94,
    "no_text_not_aligned": 0.97,
}


# Each draw's file and floors: the draws are gated alike.
DRAWS = {
    "first": ("saudinewsnet_pairs.jsonl", FLOORS),
    "second": ("saudinewsnet_pairs_2.jsonl", FLOORS_2),
    "third": ("saudinewsnet_pairs_3.jsonl", FLOORS_3),
    "fourth": ("saudinewsnet_pairs_4.jsonl", FLOORS_4),
    "fifth": ("saudinewsnet_pairs_5.jsonl", FLOORS_5),
    "sixth": ("saudinewsnet_pairs_6.jsonl", FLOORS_6),
    "seventh": ("saudinewsnet_pairs_7.jsonl", FLOORS_7),
}


@pytest.fixture(scope="module")
def draw_scores(full_trace: dict) -> dict[str, dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_pairs import gold_pairs

    return {
        draw: pair_scores(gold_pairs(ROOT / "tests" / "data" / name), full_trace)
        for draw, (name, _) in DRAWS.items()
    }


@pytest.mark.parametrize(
    ("draw", "measure"),
    [(draw, measure) for draw, (_, floors) in DRAWS.items() for measure in sorted(floors)],
)
def test_each_hand_read_draw_stays_above_its_floors(
    draw_scores: dict, draw: str, measure: str
) -> None:
    _above(draw_scores[draw][measure], DRAWS[draw][1][measure], f"{draw} draw, {measure}")


def _above(score, floor: float, measure: str) -> None:
    assert score.total >= 10, f"{measure}: only {score.total} pairs found in the trace"
    assert score.rate >= floor, (
        f"{measure}: {score.rate:.3f} ({score.correct}/{score.total}), missed {score.wrong}"
    )


def test_the_spa_sample_on_the_full_trace(full_trace: dict) -> None:
    """The SPA sample's origin and credit figures on the same trace: no lower than before
    this set."""
    from saudinewsnet_provenance import gold_lines

    from naql.evaluate import provenance_scores

    found = provenance_scores(gold_lines(), full_trace)
    # 78/79 until the places test (stop 24); then 77/79 (0.975 rounded, the issue's own bar):
    # one line lost when the Qassim inspections, split by it from the Eastern region's, joined
    # Riyadh's and the papers' common source was no longer named SPA.
    # 78/79 again since a dense overlap of names in no order is no longer shared text (stop
    # 30): two papers that only named what SPA named are no longer drawn as its copies, a
    # re-run is traced to its item, and one paper not reusing its item now is.
    # 77/79 again (the 0.975) since stop 43: a paper with a clause of its own inside
    # the text it shares with an SPA item drew on the fuller version whatever its length (3
    # more hand-read common sources of an SPA item and a paper, no agency re-run lost). Okaz's
    # re-run of the Najran education item, shorter than the item, shares with the other
    # papers the department's wording the item lacks (read at stop 40: the release behind
    # all of them) and hangs under that release, which nobody names, not under SPA's.
    assert found.origin.recall >= 77 / 79
    # 0.928 until stop 25 counted a paper that reached SPA's fuller version through one other
    # item of it as not traced to this one (naql.evaluate.traced): three lines read as not
    # reused had been counted.
    # 0.963 until stop 30, then 0.975 (the same change); 0.987 since stop 43 (al-Madina's
    # Labid songs article, which does not re-run its item, no longer traced to it).
    assert found.origin.precision >= 0.98
    # The credits of SPA the papers give (byline or text): 1.000 / 0.959 (47 of 49) at stop
    # 43, gated here since the day-subset test that held them (0.95 / 0.90) was folded into
    # this one trace.
    assert found.credits.precision >= 0.98
    assert found.credits.recall >= 46 / 49


def _story_of(trace: dict) -> dict[str, str]:
    return {article: s["id"] for s in trace["stories"] for article in s["articles"]}


class _Stories:
    """A trace's stories, looked up as naql.evaluate.pair_scores looks them up: an article
    given by its id, or by the page it was cut from (any of the page's parts counting), so a
    sample still scores when a later change cuts a page otherwise."""

    def __init__(self, trace: dict) -> None:
        self.of = _story_of(trace)
        self.parts: dict[str, list[str]] = {}
        for article in self.of:
            self.parts.setdefault(_page(article), []).append(article)

    def of_any(self, article: str) -> set[str]:
        if article in self.of:
            return {self.of[article]}
        return {self.of[part] for part in self.parts.get(_page(article), [])}

    def together(self, a: str, b: str) -> bool:
        found_a, found_b = self.of_any(a), self.of_any(b)
        assert found_a and found_b, f"not in the trace: {a if not found_a else b}"
        return not found_a.isdisjoint(found_b)


def _page(article: str) -> str:
    return article.split("#", 1)[0].split("~", 1)[0]


def _story_samples() -> list[dict]:
    path = ROOT / "tests" / "data" / "saudinewsnet_story_samples.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_samples_read_inside_naqls_own_stories_and_templates(full_trace: dict) -> None:
    """tests/data/saudinewsnet_story_samples.md: pairs drawn where naql had decided."""
    stories = _Stories(full_trace)
    templates = {
        frozenset((e["source"], e["target"]))
        for s in full_trace["stories"]
        for e in s["edges"]
        if e["kind"] == "template"
    }
    same_together, same_drawn, within_apart, different_drawn = [], [], [], []
    split_apart = []
    for pair in _story_samples():
        a, b = pair["a_url"], pair["b_url"]
        if pair["sample"].startswith("topic-days-split"):
            if pair["event"] == "different":
                split_apart.append(not stories.together(a, b))
            continue
        if pair["sample"].startswith("slot-template"):
            continue  # test_another_days_bulletins_are_other_stories
        if pair["sample"].startswith(
            ("weekday-", "template-", "rule-split", "this-day-", "kept-apart", "centroid-")
        ):
            continue  # the tests below
        if pair["sample"] in ("within-story-2", "within-story-3") and pair["event"] == "different":
            continue  # drawn from this trace's own stories: a measure for the next change
        is_template = frozenset((a, b)) in templates
        sampled_templates = pair["sample"].startswith("place-template")
        if pair["event"] == "same":
            same_together.append(stories.together(a, b))
            same_drawn.append(sampled_templates and is_template)
        elif pair["event"] == "different":
            if sampled_templates:
                # Drawn as a template, or better, kept in another story, where no edge can
                # draw one as the other's copy (9 of the 35 since a nationality swapped in
                # one statement is a cannot-link, stop 33; 3 before).
                different_drawn.append(is_template or not stories.together(a, b))
            else:
                within_apart.append(not stories.together(a, b))
    # Measured when set: 39/39 same-event pairs together (60/61 with the second within-story
    # draw, 93/94 with the third, stop 30) and none drawn as a template; 3 of the 16 different-event pairs found inside one
    # story apart (4 since al-Weeam's sign-off went, 8 with topic_days, stop 25, which cost one
    # same-event pair); 34 of the 35 template pairs read as two events still drawn. The
    # reported days (stop 29) cost two of those 8 (samples 19 and 27: passport offices
    # resuming the Yemenis' status correction, in Riyadh, Hail and nationwide, now one
    # story), while they keep 3 more of the second draw's apart.
    assert sum(same_together) / len(same_together) >= 0.95
    assert not any(same_drawn)
    assert len(within_apart) == 16 and sum(within_apart) >= 6
    assert sum(different_drawn) / len(different_drawn) >= 0.9
    # What topic_days splits, read: 29 of 30 and 28 of 30 pairs two events, all apart when set.
    assert len(split_apart) == 57 and sum(split_apart) >= 54


def test_another_days_bulletins_are_other_stories(full_trace: dict) -> None:
    """Pairs drawn from naql.slots' templates (another day's bulletin), read by hand: 77 of 78
    two events under the final rule (tests/data/saudinewsnet_story_samples.md)."""
    stories = _Stories(full_trace)
    apart: dict[str, list[bool]] = {"same": [], "different": []}
    for pair in _story_samples():
        if pair["sample"].startswith("slot-template") and pair["event"] in apart:
            apart[pair["event"]].append(not stories.together(pair["a_url"], pair["b_url"]))
    # Measured when set: 57 of the 77 two-event pairs apart (9 before: weather forecasts of
    # several days were one story of 32-36); of the 5 same-event pairs, 4 together (the fifth,
    # two updates of one day's gold report, one naming the wrong weekday, is drawn apart).
    # With the reported days (stop 29): 68 of 77 apart, and a second same-event pair apart,
    # the gold plunge of Monday whose settlement report says «أمس الثلاثاء»; with another
    # day's bulletin a cannot-link, all 77.
    assert len(apart["different"]) == 77 and sum(apart["different"]) >= 74
    assert len(apart["same"]) == 5 and sum(apart["same"]) <= 2


def test_cables_to_three_countries_are_three_stories(full_trace: dict) -> None:
    # One formula, one day: the congratulation cables to Bolivia, Burkina Faso and Côte
    # d'Ivoire, each run by several papers (issue #8: "a congratulation cable to another
    # country" is another story). They were one story of 32 cables.
    story = _story_of(full_trace)
    bolivia = story["http://www.alriyadh.com/1070722"]
    burkina = story["http://www.alriyadh.com/1070522"]
    ivory = story["http://www.alriyadh.com/1071095"]
    assert len({bolivia, burkina, ivory}) == 3
    assert story["http://www.aleqt.com/2015/08/07/article_979628.html"] == ivory
    assert story["http://www.aleqt.com/2015/08/06/article_979359.html"] == bolivia


def test_the_day_each_report_names_keeps_other_days_apart(full_trace: dict) -> None:
    """Pairs drawn where naql.stories.days decides, read by hand without naql's output
    (tests/data/saudinewsnet_story_samples.md): strong links between reports naming other
    days, and the pairs the rule split and joined when it came in."""
    stories = _Stories(full_trace)
    counts: dict[tuple[str, str], list[bool]] = {}
    for pair in _story_samples():
        if pair["sample"].startswith("weekday-"):
            read = "same" if pair["event"] == "same" else "other"
            together = stories.together(pair["a_url"], pair["b_url"])
            counts.setdefault((pair["sample"], read), []).append(together)
    # Measured when set (without the rule: 17 of 37, 0 of 29 and 0 of 11). Its cost, read
    # too: 3 of the 40 strongly linked pairs and 11 of the 40 split pairs are one event told
    # on two days (a quote the day after the attack, a club's announcement the day after the
    # match), drawn apart; and 9 of the 20 joined pairs are two events.
    link, split, join = (
        counts[("weekday-link", "other")],
        counts[("weekday-split", "other")],
        counts[("weekday-join", "same")],
    )
    assert len(link) == 37 and len(link) - sum(link) >= 34
    assert len(split) == 29 and len(split) - sum(split) >= 27
    assert len(join) == 11 and sum(join) >= 10


def test_another_days_bulletin_keeps_its_two_days_in_two_stories(full_trace: dict) -> None:
    """Pairs the templates' cannot-links split (one per story split) and joined (one per story
    joined) when every template naming other words (places or slots) was tried as one, read
    by hand (tests/data/saudinewsnet_story_samples.md). Another day's bulletin alone is a
    cannot-link: of those stories it splits two (a week's forecasts; the youth volleyball
    team's win over Kuwait and its later one over Egypt) and joins one (a dust storm's
    airport delays), each as read; places are not (they cost the SPA sample an origin)."""
    stories = _Stories(full_trace)
    pairs = {pair["pair"]: pair for pair in _story_samples()}
    for number, event in ((390, "different"), (386, "different"), (397, "same")):
        pair = pairs[number]
        assert pair["event"] == event
        assert stories.together(pair["a_url"], pair["b_url"]) == (event == "same"), number
    # The place templates' split pairs stay where the link drop alone leaves them: most of the
    # 18 read as two events still in one story (a measure for the next change).
    apart = [
        not stories.together(p["a_url"], p["b_url"])
        for p in pairs.values()
        if p["sample"] == "template-split" and p["event"] == "different"
    ]
    assert len(apart) == 18 and sum(apart) >= 6  # 2 before stop 33's three rules


def test_pairs_the_statement_words_separate_stay_apart(full_trace: dict) -> None:
    """tests/data/saudinewsnet_story_samples.md, rule-split: pairs a nationality, a formal
    country name or a two-step place slot separated, read blind as two events (30 of 30)."""
    stories = _Stories(full_trace)
    read = [p for p in _story_samples() if p["sample"] == "rule-split"]
    assert len(read) == 30 and all(p["event"] == "different" for p in read)
    apart = sum(not stories.together(p["a_url"], p["b_url"]) for p in read)
    assert apart >= 29  # 30 when set


def test_this_days_forecasts_are_read_as_their_days(full_trace: dict) -> None:
    """tests/data/saudinewsnet_story_samples.md, this-day: pairs «(ل)هذا اليوم» split (27 of
    30 read blind as two events) and pairs the stories joined after it (10 of 20 one event)."""
    stories = _Stories(full_trace)
    read = [p for p in _story_samples() if p["sample"].startswith("this-day-")]
    split = [p for p in read if p["sample"] == "this-day-split" and p["event"] == "different"]
    joined = [p for p in read if p["sample"] == "this-day-join" and p["event"] == "same"]
    assert (len(read), len(split), len(joined)) == (50, 27, 10)
    assert sum(not stories.together(p["a_url"], p["b_url"]) for p in split) >= 26  # 27 when set
    assert sum(stories.together(p["a_url"], p["b_url"]) for p in joined) >= 9  # 10 when set


def test_pairs_kept_apart_say_so(full_trace: dict) -> None:
    """tests/data/saudinewsnet_story_samples.md, kept-apart: pairs a story lists as kept apart,
    read as two events (28 of 30): in two stories, one of which names the other and why."""
    stories = _Stories(full_trace)
    read = [p for p in _story_samples() if p["sample"] == "kept-apart"]
    different = [p for p in read if p["event"] == "different"]
    assert (len(read), len(different)) == (30, 28)
    listed = {
        frozenset((k["article"], k["other"]))
        for story in full_trace["stories"]
        for k in story.get("kept_apart", ())
    }
    # A pair whose shared text is gone needs no saying: the handball and volleyball
    # federations' calendars shared only spelled dates until those were read as figures
    # (stop 42), then nothing.
    shared = {frozenset((pair["a"], pair["b"])) for pair in full_trace["alignments"]}
    said = sum(
        not stories.together(p["a_url"], p["b_url"]) and (pair in listed or pair not in shared)
        for p in different
        for pair in [frozenset((p["a_url"], p["b_url"]))]
    )
    assert said >= 26  # 28 when read


def test_stories_a_centroid_would_join_stay_apart(full_trace: dict) -> None:
    """tests/data/saudinewsnet_story_samples.md, `centroid-*`: pairs of stories that joining
    by centroids merged, read blind, 12 and 12 of 30 merges two events. Those two-event
    pairs and the controls read as two events stay apart (49 of 49 when set); the one-event
    pairs are apart too (0 of 41 together), which the next change may move."""
    stories = _Stories(full_trace)
    drawn = [pair for pair in _story_samples() if pair["sample"].startswith("centroid-")]
    apart = [
        not stories.together(pair["a_url"], pair["b_url"])
        for pair in drawn
        if pair["event"] in ("different", "unrelated")
    ]
    assert len(drawn) == 90 and len(apart) == 49
    assert sum(apart) / len(apart) >= 0.95


def test_common_sources_of_an_agency_and_a_paper_over_the_draws(draw_scores: dict) -> None:
    # The held-back set found 1 in 20 of these; the first three draws pooled gave 16
    # of 26 (0.615) at stop 37, when the measure was added, and the fourth 4 of 7: 20 of 33;
    # with the fifth's 8 of 8, 28 of 41, and 31 of 41 (0.756) since a print issue set before
    # the agency's item was out is not its copy (stop 40), with the sixth's 8 of 9: 39 of 50
    # (0.780), and with the seventh's 10 of 11: 49 of 61 (0.803), at the 0.80 asked of
    # common sources as a whole; 52 of 61 (0.852) since stop 43 (a paper shorter than the
    # item, or sharing under half of it, with a clause of its own inside the shared text, drew
    # on the fuller version). A regression floor, one pair under, not the bar. The misses
    # are SPA items and papers' versions near word for word, the paper's extra (a word, a
    # later paragraph) outside the shared text (tests/data/saudinewsnet_pairs.md).
    found = [draw_scores[draw]["agency_common_source_not_copy"] for draw in DRAWS]
    correct, total = sum(s.correct for s in found), sum(s.total for s in found)
    assert total >= 61 and correct / total >= 51 / 61, (correct, total)


def test_roundup_parts_join_the_event_they_report(full_trace: dict) -> None:
    """Parts cut from pages where their lines report another story's event, in words of their
    own (naql.stories.roundups), each read against two articles of the story it joined
    (tests/data/saudinewsnet_roundups.md): 48 parts drawn at random from stop 38's 440, 84
    pairs, 71 read as one event (45 of the 48 parts report the event of one article shown or
    both). Before the rule, 18 of the 71 were in one story."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from saudinewsnet_pairs import gold_pairs

    scores = pair_scores(
        gold_pairs(ROOT / "tests" / "data" / "saudinewsnet_roundups.jsonl"), full_trace
    )
    same = scores["same_event_together"]
    assert same.total == 71 and same.correct >= 67, same.wrong
    # Of the pairs the trace holds together, the share read as one event: 71 of 84 when read
    # (the others mostly a story holding two bodies' reactions to one attack, or two stages
    # of one process, which the part joined as a whole).
    other = [scores[name] for name in ("different_event_apart", "unrelated_apart")]
    together_other = sum(score.total - score.correct for score in other)
    assert same.correct / (same.correct + together_other) >= 0.82


def test_copies_the_pages_dates_rule_out_stay_undrawn(full_trace: dict) -> None:
    """Copy edges the pages' own dates took away (naql.provenance.published), read blind to
    naql (tests/data/saudinewsnet_dated_copies.md): 30 drawn at random of the 47 the pages'
    own dates took, 30 of the 38 their timestamps took then; none was read as a copy either
    way (52 common sources, 7 one outlet's series, 1 without shared text). Gated: at most one
    of each sample drawn as a copy again."""
    path = ROOT / "tests" / "data" / "saudinewsnet_dated_copies.jsonl"
    read = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    copies = {
        frozenset((edge["source"], edge["target"]))
        for story in full_trace["stories"]
        for edge in story["edges"]
        if edge["kind"] == "copied"
    }
    assert len(read) == 60 and all(pair["label"] != pair["drawn"] for pair in read)
    for sample in ("page-dates", "timestamps"):
        drawn = [
            pair["pair"]
            for pair in read
            if pair["sample"] == sample and frozenset((pair["a"], pair["b"])) in copies
        ]
        assert len(drawn) <= 1, (sample, drawn)

"""Story grouping: average linkage on sparse similarities, reuse links, the date window."""

from __future__ import annotations

from naql.records import Alignment, Article
from naql.stories import StoryConfig, average_linkage, group_stories


def test_average_linkage_does_not_chain_through_a_bridge() -> None:
    # a-b and c-d are close; b-c alone is close too, but a-c, a-d, b-d are unrelated.
    similarity = {(0, 1): 0.9, (2, 3): 0.9, (1, 2): 0.6}
    assert average_linkage(4, similarity, threshold=0.3) == [[0, 1], [2, 3]]


def test_average_linkage_merges_groups_whose_mean_stays_high() -> None:
    similarity = {(0, 1): 0.8, (0, 2): 0.5, (1, 2): 0.5}
    assert average_linkage(3, similarity, threshold=0.4) == [[0, 1, 2]]
    assert average_linkage(3, similarity, threshold=0.6) == [[0, 1], [2]]


def test_reuse_links_join_and_the_date_window_only_limits_topic() -> None:
    articles = [Article(id="a", text="x"), Article(id="b", text="y"), Article(id="c", text="z")]
    shared = Alignment(a="a", b="b", passages=[], a_share=0.5, b_share=0.1)
    groups = group_stories(articles, [shared], topical={}, config=StoryConfig())
    assert groups.members == [[0, 1], [2]]
    assert groups.similarity[(0, 1)] == 1.0


def test_reuse_days_apart_links_only_a_rerun() -> None:
    articles = [
        Article(id="mon", text="x", date="2015-08-03"),
        Article(id="sat", text="y", date="2015-08-08"),
    ]
    formula = Alignment(a="mon", b="sat", passages=[], a_share=0.4, b_share=0.4)
    rerun = Alignment(a="mon", b="sat", passages=[], a_share=0.9, b_share=0.95)
    assert group_stories(articles, [formula], topical={}).members == [[0], [1]]
    assert group_stories(articles, [rerun], topical={}).members == [[0, 1]]

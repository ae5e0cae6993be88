"""B-cubed and provenance scoring, hand-computed."""

from __future__ import annotations

import pytest

from naql.evaluate import bcubed, provenance_scores


def test_bcubed_perfect_and_all_in_one() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed(gold, {"a": "x", "b": "x", "c": "y"}).f1 == pytest.approx(1.0)
    merged = bcubed(gold, {"a": "x", "b": "x", "c": "x"})
    # a, b: precision 2/3 each; c: 1/3 -> mean 5/9; recall 1.
    assert merged.precision == pytest.approx(5 / 9)
    assert merged.recall == pytest.approx(1.0)


def test_bcubed_missing_items_are_singletons() -> None:
    scores = bcubed({"a": "1", "b": "1"}, {})
    assert scores.precision == pytest.approx(1.0)
    assert scores.recall == pytest.approx(0.5)


def test_provenance_scores_count_origins_and_credits() -> None:
    trace = {
        "stories": [
            {
                "id": "s1",
                "origin": "spa1",
                "edges": [{"source": "spa1", "target": "p1", "kind": "copied"}],
            },
            {
                "id": "s2",
                "origin": "p3",
                "edges": [{"source": "p3", "target": "p2", "kind": "shared"}],
            },
        ],
        "verdicts": [
            {"article": "p1", "story": "s1", "sources": [{"source": "spa1", "share": 0.9}]},
            {"article": "p2", "story": "s2", "sources": []},
            {"article": "p3", "story": "s2", "sources": []},
        ],
        "attributions": [{"article": "p1", "outlet": "spa", "role": "source"}],
    }
    gold = [
        {
            "copy": "p1",
            "source": "spa1",
            "reused": True,
            "credits_source": True,
            "source_outlet": "spa",
        },
        {
            "copy": "p2",
            "source": "spa2",
            "reused": True,
            "credits_source": True,
            "source_outlet": "spa",
        },
        {
            "copy": "p3",
            "source": "spa1",
            "reused": False,
            "credits_source": False,
            "source_outlet": "spa",
        },
    ]
    scores = provenance_scores(gold, trace)
    assert (
        scores.origin.true_positives,
        scores.origin.false_positives,
        scores.origin.false_negatives,
    ) == (1, 0, 1)
    assert scores.origin.precision == 1.0 and scores.origin.recall == 0.5
    assert (scores.credits.true_positives, scores.credits.false_negatives) == (1, 1)


def test_a_page_cut_into_parts_is_scored_by_any_of_them() -> None:
    # The paper's page was cut (a roundup's items): its second part is SPA's copy, its first
    # part the paper's own lead; the page read by its id is traced, and credits, through it.
    trace = {
        "stories": [
            {"id": "s1", "edges": [{"source": "spa1", "target": "p1#2", "kind": "copied"}]},
            {"id": "s2", "edges": []},
        ],
        "verdicts": [
            {"article": "p1#1", "story": "s2", "sources": []},
            {"article": "p1#2", "story": "s1", "sources": [{"source": "spa1", "share": 0.9}]},
            {"article": "p2#1", "story": "s2", "sources": []},
        ],
        "attributions": [{"article": "p1#2", "outlet": "spa", "role": "source"}],
    }
    line = {"copy": "p1", "source": "spa1", "credits_source": True, "source_outlet": "spa"}
    scores = provenance_scores([{**line, "reused": True}], trace)
    assert scores.origin.true_positives == 1 and scores.credits.true_positives == 1
    # ... and a page none of whose parts is traced there is not.
    scores = provenance_scores([{**line, "copy": "p2", "reused": True}], trace)
    assert scores.origin.false_negatives == 1 and scores.credits.false_negatives == 1


def test_a_copy_of_one_cut_of_a_release_is_not_traced_to_its_other_cuts() -> None:
    # SPA ran one release in two items (an item and its «إضافة»), each an excerpt of the whole
    # (not in the pile): a paper that ran the item did not run the addition; one that took from
    # two cuts ran the release, the third cut's part with it; one that ran the whole did too.
    from naql.evaluate.provenance import traced

    def edge(source: str, target: str, kind: str) -> dict:
        return {"source": source, "target": target, "kind": kind}

    story = {
        "edges": [
            edge("hidden:s1.1", "item", "excerpt"),
            edge("hidden:s1.1", "addition", "excerpt"),
            edge("hidden:s1.1", "third", "excerpt"),
            edge("item", "paper", "copied"),
            edge("item", "digest", "copied"),
            edge("third", "digest", "copied"),
            edge("hidden:s1.1", "whole", "copied"),
        ]
    }
    assert traced("item", "paper", story)
    assert not traced("addition", "paper", story)
    assert traced("addition", "digest", story)
    assert traced("addition", "whole", story)
    assert not traced("paper", "item", story)

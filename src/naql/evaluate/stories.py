"""Stories scored as clusters: B-cubed precision, recall and F1 against gold story labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(slots=True)
class ClusterScores:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009)."""

    precision: float
    recall: float
    f1: float
    items: int
    gold_clusters: int
    predicted_clusters: int


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScores:
    """B-cubed over the items of ``gold`` (item -> cluster label); an item missing from
    ``predicted`` counts as a cluster of its own."""
    items = list(gold)
    if not items:
        return ClusterScores(1.0, 1.0, 1.0, 0, 0, 0)
    predicted_label = {item: predicted.get(item, f"\0{item}") for item in items}
    gold_members: dict[str, set[str]] = {}
    predicted_members: dict[str, set[str]] = {}
    for item in items:
        gold_members.setdefault(gold[item], set()).add(item)
        predicted_members.setdefault(predicted_label[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        same_gold = gold_members[gold[item]]
        same_predicted = predicted_members[predicted_label[item]]
        both = len(same_gold & same_predicted)
        precision += both / len(same_predicted)
        recall += both / len(same_gold)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClusterScores(
        precision, recall, f1, len(items), len(gold_members), len(predicted_members)
    )

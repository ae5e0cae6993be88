"""naql's output scored against gold: PAN's character-level measures for passages
(:mod:`~naql.evaluate.plagdet`), B-cubed for stories (:mod:`~naql.evaluate.stories`), origins,
credits and hand-read pairs for provenance (:mod:`~naql.evaluate.provenance`)."""

from naql.evaluate.plagdet import (
    UNSPECIFIED,
    PanReport,
    PanScores,
    evaluate_dirs,
    pan_report,
    pan_scores,
    plagdet_score,
)
from naql.evaluate.provenance import (
    PAIR_MEASURES,
    DetectionScores,
    PairScore,
    ProvenanceScores,
    detection_scores,
    pair_scores,
    provenance_scores,
    traced,
)
from naql.evaluate.stories import ClusterScores, bcubed

__all__ = [
    "PAIR_MEASURES",
    "UNSPECIFIED",
    "ClusterScores",
    "DetectionScores",
    "PairScore",
    "PanReport",
    "PanScores",
    "ProvenanceScores",
    "bcubed",
    "detection_scores",
    "evaluate_dirs",
    "pair_scores",
    "pan_report",
    "pan_scores",
    "plagdet_score",
    "provenance_scores",
    "traced",
]

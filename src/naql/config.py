"""One typed, keyword-only configuration with a section per stage.

Every default is a measured choice; the comment beside it says what it trades. Validation happens
here, at construction, with messages that say how to fix the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from naql.errors import ConfigError
from naql.stories import StoryConfig


@dataclass(slots=True, frozen=True, kw_only=True)
class CandidateConfig:
    """The rare-stem seed index that proposes candidate pairs (:mod:`naql.candidates`)."""

    # Seeds the index may generate. 5 M covers the rarest ~90% of ExAra's vocabulary and finds
    # 98% of its reused pairs; memory peaks near 1 GB at 30 M, so the budget is the memory knob.
    seed_budget: int = 5_000_000
    # ... and per text beyond that: a fixed budget spread over a growing archive indexes ever
    # fewer stems per text and loses reuse (a SaudiNewsNet day beside a copy of itself kept
    # 1,089 of its 2,482 candidate pairs under 5 M); per text, each text keeps its share and
    # the cost grows linearly. 160 x the 30,676 SaudiNewsNet articles is still under the 5 M
    # floor, so up to that size nothing changes.
    seeds_per_text: int = 160
    # A stem repeated more often than this in one text is not indexed for that text.
    max_per_doc: int = 20
    # Seeds further apart than this (in tokens, on either side) do not support each other.
    gap: int = 20
    # Distinct indexed words a pair must share in one cluster to be aligned at all. Derived from
    # the smallest passage the aligner reports (AlignConfig.min_words = 10 content words): the
    # budget indexes the rarer ~half of a text's content words (33-50% on ExAra), so such a
    # passage brings about 5 indexed seeds. Lower it with min_words, never above it.
    min_seeds: int = 5
    # Pairs whose whole-text TF-IDF cosine reaches this are aligned as well (trace mode): wire
    # copy of formulaic items (royal receptions, cables) shares mostly common words, which the
    # rare-stem index leaves out. Rewrites of one event score 0.2-0.3 on the seeds; copies 0.6+.
    min_cosine: float = 0.4
    # The phrase index (two successive content words; naql.candidates), off by default: a
    # release re-run days later or inside a long roundup is made of common words, which the
    # stem index leaves out (it admits SaudiNewsNet's stems found in up to 24 articles), and
    # phrases find it. On SaudiNewsNet, 10 M seeds (325 a text) find 7,200 more pairs with
    # reuse (46,900 against 39,700; 20 M: 16,000 more); on one day of it, 166 more and none
    # lost. But the full trace takes 5 s more of its two cores (42-44 s against 37-38 s) and
    # the 16x corpus 3 GB more of the driver's peak (10.9 GB), over the bars on both: the index
    # is built from one sort of all the pile's phrase keys.
    phrases: bool = False
    # Seeds per text, not a large floor as the stems' 5 M: a floor of 10 M made one day's
    # candidate pairs 30,700 rather than 4,400.
    phrases_per_text: int = 325
    phrase_budget: int = 100_000

    def __post_init__(self) -> None:
        if self.seeds_per_text < 0 or self.phrases_per_text < 0 or self.phrase_budget < 0:
            raise ConfigError(
                "seeds_per_text, phrases_per_text and phrase_budget must be 0 or more"
            )
        if self.seed_budget < 1000:
            raise ConfigError(f"seed_budget {self.seed_budget} is too small: use at least 1000")
        if self.max_per_doc < 1 or self.gap < 1 or self.min_seeds < 2:
            raise ConfigError("max_per_doc and gap must be >= 1 and min_seeds >= 2")

    def budget(self, texts: int) -> int:
        """Seeds the index may generate for ``texts`` texts."""
        return max(self.seed_budget, self.seeds_per_text * texts)

    def phrase_seeds(self, texts: int) -> int:
        """Seeds the phrase index may generate for ``texts`` texts (0: no phrase index)."""
        return max(self.phrase_budget, self.phrases_per_text * texts) if self.phrases else 0


@dataclass(slots=True, frozen=True, kw_only=True)
class AlignConfig:
    """Passage alignment (:mod:`naql.align`). Token counts include function words."""

    # Largest hole (tokens) inside one passage, on either side: an inserted clause or a
    # reordered sentence is shorter than this; the distance between two reused paragraphs is not.
    gap: int = 20
    # Passages are built from dense cores: seeds no more than core_gap tokens apart on either
    # axis, at least core_seeds of them. Chance matches rarely make a core, so they can neither
    # chain two passages together nor stretch one's boundaries; cores then join across `gap`.
    # 12 suits news rewrites (sentences reordered, words mostly kept in order); passages whose
    # WORDS were shuffled throughout (PAN's artificial obfuscation) need 18: see Config.for_pan.
    core_gap: int = 12
    core_seeds: int = 3
    # A passage's edges are trimmed to where edge_rows seeded words fall within edge_window
    # tokens: a lone chance match just outside a passage is not part of it.
    edge_window: int = 10
    edge_rows: int = 3
    # Distinct content words a passage must match. A formulaic title such as «قائد الجيش
    # الوطني الليبي المشير خليفة حفتر» has 6; reused news passages share dozens.
    min_words: int = 10
    # Share of the passage's seedable words (on each side) that must match.
    min_density: float = 0.3
    # A passage below this density must also share min_phrases distinct phrases (runs of shared
    # consecutive content words): chance overlap between two reports of one topic is names,
    # titles and stock phrases in no order — on the seeds 3 such runs, against 5-9 for reuse.
    dense: float = 0.5
    min_phrases: int = 4
    # A passage whose words match out of order is shared TEXT only when this much of its
    # phrases (two successive content words), on both sides, are found on the other
    # (naql.wording.phrase_shares): a text reordered keeps its sentences; two reports naming the
    # same teams, players or regions in sentences of their own share the words densely and
    # few phrases. Those are not reuse (no copy, no common source is drawn from them), though
    # stories still read the overlap as a link. 0 for PAN's word-shuffled obfuscation.
    min_phrase_share: float = 0.25
    # Within one pair a word repeated more than this in a text stops seeding there: it would
    # fill the dot plot with a grid that chains unrelated passages together.
    max_per_doc: int = 3
    # In corpora of 20+ texts, stems found in more than this share of texts never seed.
    max_df: float = 0.5
    # Fragments of one passage closer than this (tokens, both sides) are merged into one.
    merge_gap: int = 30

    def __post_init__(self) -> None:
        if self.gap < 1:
            raise ConfigError(f"gap must be at least 1 token, got {self.gap}")
        if self.min_words < 2:
            raise ConfigError(f"min_words must be at least 2, got {self.min_words}")
        if not 0.0 <= self.min_phrase_share <= 1.0:
            raise ConfigError(f"min_phrase_share must be in [0, 1], got {self.min_phrase_share}")
        for name in ("min_density", "dense", "max_df"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"{name} must be in (0, 1], got {value}")


@dataclass(slots=True, frozen=True, kw_only=True)
class TextConfig:
    # Snowball stemmer for Latin-script words (ISO 639-1); Arabic always uses the Arabic one.
    latin_language: str = "en"


@dataclass(slots=True, frozen=True, kw_only=True)
class ProvenanceConfig:
    # Use article dates as a direction signal. Off for crawls whose dates are fetch times
    # (SaudiNewsNet's date_extracted): a paper fetched before the agency is not earlier.
    trust_dates: bool = True


@dataclass(slots=True, frozen=True, kw_only=True)
class Config:
    text: TextConfig = field(default_factory=TextConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    stories: StoryConfig = field(default_factory=StoryConfig)
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)

    @classmethod
    def for_pan(cls) -> Config:
        """PAN text alignment: obfuscation shuffles the words of whole passages (up to 1,200
        words), so seeds are sparser per token and cores need a wider gap (ExAra dev: word
        shuffling recall 0.86 at 18 against 0.83 at 12; plagdet 0.936 against 0.923)."""
        return cls(align=AlignConfig(core_gap=18, min_phrase_share=0.0))

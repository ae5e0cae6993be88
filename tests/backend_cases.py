"""Cases the backend tests share: the seed texts and their trace, a SaudiNewsNet day, an ExAra
slice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from conftest import EXAMPLE, shared

from naql import pan
from naql.align import align_pairs
from naql.backends import Backend
from naql.clean import CleanConfig
from naql.config import Config
from naql.ingest import ReadOptions, read_articles
from naql.pipeline import trace
from naql.records import Article, to_json
from naql.reuse import candidate_pairs, tokenize
from naql.stories.topical import term_weights
from naql.text import Vocabulary


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.txt"))]


def trace_json(articles: list[Article], backend: Backend | None) -> str:
    result = to_json(trace(articles, cleaning=CleanConfig(), backend=backend))
    result.pop("timings")
    return json.dumps(result, sort_keys=True, ensure_ascii=False)


def saudinewsnet_day(count: int, **fields: str) -> list[Article]:
    """The first ``count`` articles of SaudiNewsNet's first day: text and URL, and
    ``fields`` (outlet_field=..., date_field=...)."""
    archive = sorted(shared("saudinewsnet").glob("*.zip"))[0]
    options = ReadOptions(text_field="content", id_field="url", **fields)
    return read_articles([str(archive)], options).articles[:count]


def tokenized_pile(articles: list[Article]) -> tuple[list, Vocabulary]:
    vocabulary = Vocabulary()
    return tokenize([a.text for a in articles], vocabulary), vocabulary


def formula_case(articles: list[Article]) -> tuple[list[str], list, dict, dict, np.ndarray]:
    """The formula test's inputs for ``articles``: their aligned pairs, every pair dated a
    day apart and a tenth shared, so that the test looks at each (crawl times are hours
    apart): dates, tokens, passages, shares and term weights."""
    tokens, vocabulary = tokenized_pile(articles)
    config = Config()
    pairs = candidate_pairs(tokens, None, len(vocabulary), config)
    passages: dict[tuple[int, int], list] = {}
    for passage in align_pairs(tokens, tokens, pairs, len(vocabulary), config.align):
        passages.setdefault((passage.left, passage.right), []).append(passage)
    dates = [f"2015-08-{1 + k % 2:02d}" for k in range(len(articles))]
    shares = dict.fromkeys(passages, 0.1)
    return dates, tokens, passages, shares, term_weights(vocabulary, config.stories)


def exara_slice(tmp_path: Path, count: int = 12) -> tuple[Path, Path]:
    """The first ``count`` suspicious documents, their gold sources and 40 other sources (the
    other sources keep candidate search honest: most pairs it sees must be rejected)."""
    corpus = shared("exara-dev")
    names = sorted(path.name for path in (corpus / "susp").glob("*.txt"))[:count]
    gold = pan.read_dir(corpus / "gold")
    sources = {f.source_reference for name in names for f in gold.get(name, [])}
    sources |= {path.name for path in sorted((corpus / "src").glob("*.txt"))[:40]}
    for folder, chosen in (("susp", names), ("src", sorted(sources))):
        (tmp_path / folder).mkdir()
        for name in chosen:
            os.symlink(corpus / folder / name, tmp_path / folder / name)
    return tmp_path / "susp", tmp_path / "src"


def exara_detections(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.xml"))}

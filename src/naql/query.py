"""Query mode: where did this article come from? One article against the index, not added.

The index keeps, beside its trace, a postings list of the archive's rarer stems (built by
:func:`build` at the end of every add). A query article is tokenised with the archive's
vocabulary; the archive articles sharing at least ``min_seeds`` of its rarer stems are
candidates, the best ``candidates`` of them are aligned with the aligner the batch uses (same
settings, the archive's common stems), and each with shared passages is a source. The story it
would join is the story of the source it shares the most words with, and that story's origin
is its likely origin. In-process this takes milliseconds: everything but the few candidates'
tokens is loaded once.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from naql.align import align_pairs, common_stems
from naql.attribution import article_attributions
from naql.candidates import content_postings, document_frequency
from naql.clean import CleanConfig, clean_articles
from naql.config import Config
from naql.memo import TOKENS, Memo, decode_tokens, text_key
from naql.outlets import Gazetteer
from naql.outlets import load as load_gazetteer
from naql.pairs import to_passage
from naql.records import Article, Attribution, Passage, Story, Verdict, from_json
from naql.store import StoreError
from naql.store.settings import salt, settings_of
from naql.store.sqlite import SqliteStore
from naql.text import Tokens, Vocabulary

BLOB = "query-index"
# A stem in more than this share of the archive is not posted: it would make every article a
# candidate. The floor keeps a small archive's postings useful.
MAX_SHARE = 0.005
MIN_CAP = 5


@dataclass(slots=True)
class Source:
    """An archive article the query shares passages with."""

    article: str
    outlet: str | None
    date: str | None
    title: str | None
    story: str | None
    query_share: float  # of the query's content words, inside passages with this article
    article_share: float
    matched_words: int
    passages: list[Passage]


@dataclass(slots=True)
class QueryResult:
    article: str
    sources: list[Source] = field(default_factory=list)
    credits: list[Attribution] = field(default_factory=list)
    story: Story | None = None  # the story it would join
    origin: str | None = None  # that story's origin (article id or «… (not in the pile)»)
    origin_outlet: str | None = None
    verdict: Verdict | None = None  # of the best source, in its story
    candidates: int = 0


def build(
    memo: Memo, ids: Sequence[str], texts: Sequence[str], config: Config, latin: bool
) -> bytes:
    """The query index of a traced archive: its vocabulary, its articles' text keys, the
    postings of its rarer stems and its common stems."""
    vocabulary, tokens = memo.vocabulary, memo.tokens
    if vocabulary is None or len(tokens) != len(ids):
        raise ValueError("build() needs the memo of the run that traced these articles")
    postings = content_postings(tokens, config.candidates.max_per_doc)
    df = document_frequency(postings, len(vocabulary))
    cap = max(MIN_CAP, int(MAX_SHARE * len(ids)))
    keep = df[postings.stem] <= cap
    stem, doc, pos = postings.stem[keep], postings.doc[keep], postings.pos[keep]
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(stem, minlength=len(vocabulary)), out=indptr[1:])
    common = common_stems(tokens, tokens, len(vocabulary), config.align.max_df)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        stems=np.frombuffer("\n".join(vocabulary.stems).encode("utf-8", "surrogatepass"), np.uint8),
        meta=np.frombuffer(
            json.dumps(
                {"ids": list(ids), "keys": [text_key(memo, t) for t in texts], "latin": latin}
            ).encode(),
            np.uint8,
        ),
        indptr=indptr,
        doc=doc.astype(np.int32),
        pos=pos.astype(np.int32),
        common=common,
    )
    return buffer.getvalue()


@dataclass(slots=True)
class QueryIndex:
    """The query index loaded from a store, ready for many queries."""

    store: SqliteStore
    memo: Memo
    config: Config
    clean: bool
    gazetteer: Gazetteer
    vocabulary: Vocabulary
    ids: list[str]
    keys: list[str]
    indptr: np.ndarray
    doc: np.ndarray
    pos: np.ndarray
    common: np.ndarray
    candidates: int = 20

    @classmethod
    def load(cls, store: SqliteStore) -> QueryIndex:
        settings = settings_of(store)
        blob = store.get_blob(BLOB)
        if settings is None or blob is None:
            raise StoreError(
                f"{store.path}: the index is empty: add articles first (naql index add)"
            )
        data = np.load(io.BytesIO(blob))
        meta = json.loads(data["meta"].tobytes())
        vocabulary = Vocabulary(settings.language)
        stems = data["stems"].tobytes().decode("utf-8", "surrogatepass")
        vocabulary.adopt(stems.split("\n") if stems else [])
        latin = meta.get("latin", False)
        return cls(
            store=store,
            memo=Memo(store, salt=salt(settings, latin)),
            config=settings.config(),
            clean=settings.clean,
            gazetteer=load_gazetteer(settings.outlets, latin_names=latin),
            vocabulary=vocabulary,
            ids=meta["ids"],
            keys=meta["keys"],
            indptr=data["indptr"],
            doc=data["doc"],
            pos=data["pos"],
            common=data["common"],
        )

    def query(self, article: Article) -> QueryResult:
        if self.clean:
            article = clean_articles([article], CleanConfig()).articles[0]
        result = QueryResult(article.id)
        result.credits = article_attributions(article, self.gazetteer)
        tokens = self.vocabulary.tokens(article.text)
        chosen = self._candidates(tokens)
        result.candidates = len(chosen)
        if not chosen:
            return result
        found = self.memo.store.get_many(TOKENS, [self.keys[k] for k in chosen])
        docs = [decode_tokens(found[self.keys[k]], self.vocabulary) for k in chosen]
        common = np.zeros(len(self.vocabulary), dtype=bool)
        common[: len(self.common)] = self.common
        passages = align_pairs(
            [tokens],
            docs,
            [(0, j) for j in range(len(docs))],
            len(self.vocabulary),
            self.config.align,
            common=common,
        )
        rows = self._rows([self.ids[k] for k in chosen])
        by_doc: dict[int, list[Any]] = {}
        for passage in passages:
            by_doc.setdefault(passage.right, []).append(passage)
        for j, group in by_doc.items():
            target = self.ids[chosen[j]]
            row = rows.get(target, {})
            result.sources.append(
                Source(
                    article=target,
                    outlet=row.get("outlet"),
                    date=row.get("date"),
                    title=row.get("title"),
                    story=row.get("story"),
                    query_share=_share(tokens, [(p.i0, p.i1) for p in group]),
                    article_share=_share(docs[j], [(p.j0, p.j1) for p in group]),
                    matched_words=sum(p.matched for p in group),
                    passages=[to_passage(p, article.id, target, tokens, docs[j]) for p in group],
                )
            )
        result.sources.sort(key=lambda s: (-s.matched_words, s.article))
        if result.sources:
            self._story_of(result)
        return result

    def _candidates(self, tokens: Tokens) -> list[int]:
        """Archive articles sharing at least ``min_seeds`` distinct rarer stems, most first."""
        stems = np.unique(tokens.ids[~tokens.stop])
        stems = stems[stems < len(self.indptr) - 1]
        starts, ends = self.indptr[stems], self.indptr[stems + 1]
        if not len(stems) or not (ends > starts).any():
            return []
        lengths = ends - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum()
        )
        hits = self.doc[offsets]
        stem_of = np.repeat(stems, lengths)
        pairs = np.unique(hits.astype(np.int64) * (len(self.indptr)) + stem_of)
        counts = np.bincount(pairs // len(self.indptr), minlength=len(self.ids))
        order = np.argsort(-counts, kind="stable")[: self.candidates]
        return [int(k) for k in order if counts[k] >= self.config.candidates.min_seeds]

    def _rows(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        marks = ",".join("?" * len(ids))
        cursor = self.store.db.execute(
            f"SELECT id, outlet, date, title, story FROM articles WHERE id IN ({marks})",  # noqa: S608
            tuple(ids),
        )
        return {
            row[0]: dict(zip(("id", "outlet", "date", "title", "story"), row)) for row in cursor
        }

    def _story_of(self, result: QueryResult) -> None:
        best = result.sources[0]
        if best.story is not None:
            row = self.store.db.execute(
                "SELECT record FROM stories WHERE id = ?", (best.story,)
            ).fetchone()
            if row is not None:
                story = from_json(Story, json.loads(row[0]))
                result.story = story
                result.origin = story.origin
                result.origin_outlet = story.origin_outlet
                hidden = {h.id: h.name for h in story.hidden}
                if story.origin in hidden:  # a name that says «not in the pile»
                    result.origin = hidden[story.origin]
        row = self.store.db.execute(
            "SELECT record FROM verdicts WHERE article = ?", (best.article,)
        ).fetchone()
        if row is not None:
            result.verdict = from_json(Verdict, json.loads(row[0]))


def _share(doc: Tokens, ranges: list[tuple[int, int]]) -> float:
    from naql.pairs import content_before_of, token_share

    return round(token_share(content_before_of(doc), ranges), 4)

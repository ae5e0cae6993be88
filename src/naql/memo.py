"""What the costly stages computed before, keyed by content: re-tracing a grown archive redoes
only what its new articles change, and still gives exactly the batch's result.

Corpus-wide statistics (chrome lines, IDF, the rare-stem budget, the aligner's common stems)
change with every article added, so the stages that read them (cleaning, similarity,
candidates, stories) run over the whole archive each time: they are vectorised and take seconds.
What costs minutes is per text, per pair, per page or per story, and is remembered here:

* **tokens** of a cleaned text (by its hash). Stem ids depend on the order stems were first
  seen, so a text's distinct stems are kept in first-appearance order and replayed
  (:meth:`Vocabulary.adopt`) in the batch's article order: the ids come out as the batch's;
* **passages** of an aligned pair (by both texts' hashes). They depend on the two texts and on
  which of their stems are common corpus-wide, so the key holds each text's common stems: a
  pair one of whose stems became common (or stopped being) is aligned again;
* **credits** of a page (by its articles' content): attribution reads one page at a time;
* **provenance** of a story (by everything :func:`naql.provenance.trace_story` reads: its
  articles, their passages, templates, credits and label); the story's number is not part
  of the key, and a remembered story is renumbered to its place.

Entries live in a :class:`MemoStore` (a dict here, SQLite in :mod:`naql.store`). Keys are
content hashes salted with the run's settings, so changed settings never meet old entries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from naql import attribution
from naql.align import TokenPassage, common_stems
from naql.backends import Backend, tasks
from naql.config import AlignConfig
from naql.outlets import Gazetteer
from naql.records import Article, Attribution, Story, Verdict, from_json, to_json
from naql.text import Tokens, Vocabulary

if TYPE_CHECKING:  # provenance loads networkx (0.25 s), which `naql query` never needs
    from naql.provenance import StoryInput

TOKENS, PAIRS, PAGES, STORIES = "tokens", "pairs", "pages", "stories"
KINDS = (TOKENS, PAIRS, PAGES, STORIES)


class MemoStore(Protocol):
    """Where entries are kept: bytes by (kind, key)."""

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]: ...

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None: ...


@dataclass(slots=True)
class DictStore:
    """Entries in memory (tests; one process re-tracing a pile it keeps growing)."""

    entries: dict[str, dict[str, bytes]] = field(default_factory=dict)

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        table = self.entries.get(kind, {})
        return {key: table[key] for key in keys if key in table}

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None:
        self.entries.setdefault(kind, {}).update(items)


@dataclass(slots=True)
class Memo:
    """A store, the salt of this run's settings, and what the run used and computed."""

    store: MemoStore
    salt: str = ""
    used: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    misses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    # What the run tokenised and with which vocabulary: the index builds its query postings
    # from them without tokenising the archive again.
    vocabulary: Vocabulary | None = None
    tokens: list[Tokens] = field(default_factory=list)
    text_keys: dict[str, str] = field(default_factory=dict)

    def key(self, *parts: str | bytes) -> str:
        digest = hashlib.blake2b(self.salt.encode(), digest_size=16)
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
            digest.update(b"\x00")
        return digest.hexdigest()

    def get(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        found = self.store.get_many(kind, list(dict.fromkeys(keys)))
        self.used[kind].update(keys)
        self.hits[kind] += len(found)
        self.misses[kind] += len(set(keys)) - len(found)
        return found

    def put(self, kind: str, items: Mapping[str, bytes]) -> None:
        self.used[kind].update(items)
        if items:
            self.store.put_many(kind, items)


def text_key(memo: Memo, text: str) -> str:
    """A text's key, hashed once a run: tokens, pairs, pages, stories and the query index all
    key on it (a dict lookup by the same str object reuses its cached hash)."""
    found = memo.text_keys.get(text)
    if found is None:
        found = memo.text_keys[text] = memo.key("text", text)
    return found


# Tokens: n, stems' byte length, then "\n"-joined distinct stems (words hold no newline) and
# per token the stem's local index (int32), the stopword flag (uint8) and offsets (int64).
_HEAD = struct.Struct("<QQ")


def encode_tokens(doc: Tokens, stems: Sequence[str]) -> bytes:
    distinct, local = np.unique(doc.ids, return_inverse=True)
    first = np.full(len(distinct), len(doc.ids), dtype=np.int64)
    np.minimum.at(first, local, np.arange(len(doc.ids)))
    order = np.argsort(first, kind="stable")  # distinct stems by first appearance
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    words = "\n".join(stems[int(s)] for s in distinct[order]).encode("utf-8", "surrogatepass")
    return b"".join(
        (
            _HEAD.pack(len(doc.ids), len(words)),
            words,
            rank[local].astype("<i4").tobytes(),
            doc.stop.astype(np.uint8).tobytes(),
            doc.starts.astype("<i8").tobytes(),
            doc.ends.astype("<i8").tobytes(),
        )
    )


def decode_tokens(blob: bytes, vocabulary: Vocabulary) -> Tokens:
    count, size = _HEAD.unpack_from(blob)
    at = _HEAD.size
    words = blob[at : at + size].decode("utf-8", "surrogatepass")
    at += size
    local = np.frombuffer(blob, dtype="<i4", count=count, offset=at)
    stop = np.frombuffer(blob, dtype=np.uint8, count=count, offset=at + 4 * count)
    starts = np.frombuffer(blob, dtype="<i8", count=count, offset=at + 5 * count)
    ends = np.frombuffer(blob, dtype="<i8", count=count, offset=at + 13 * count)
    ids = vocabulary.adopt(words.split("\n") if count else [])
    return Tokens(
        ids[local].astype(np.int32),
        stop.astype(bool),
        starts.astype(np.int32),
        ends.astype(np.int32),
    )


def tokenize(
    texts: Sequence[str],
    vocabulary: Vocabulary,
    memo: Memo,
    progress: Callable[[int, int], None] | None = None,
) -> list[Tokens]:
    """Tokens of every text, remembered ones replayed IN ORDER with new ones (see the module)."""
    keys = [text_key(memo, text) for text in texts]
    known = memo.get(TOKENS, keys)
    result: list[Tokens] = []
    new: dict[str, bytes] = {}
    run: list[int] = []  # new texts in a row: tokenised together, as a block

    def flush() -> None:
        for k, doc in zip(run, vocabulary.tokens_of([texts[k] for k in run])):
            result.append(doc)
            if keys[k] not in new:
                new[keys[k]] = encode_tokens(doc, vocabulary.stems)
        run.clear()

    for done, key in enumerate(keys, 1):
        blob = known.get(key)
        if blob is None:
            run.append(done - 1)
            continue
        flush()
        result.append(decode_tokens(blob, vocabulary))
        if progress is not None and (done % 256 == 0 or done == len(texts)):
            progress(done, len(texts))
    flush()
    if progress is not None:
        progress(len(texts), len(texts))
    memo.put(TOKENS, new)
    memo.vocabulary, memo.tokens = vocabulary, result
    return result


def adopt_parts(
    memo: Memo, texts: Sequence[str], tokens: list[Tokens], parts: Iterable[int]
) -> None:
    """After pages were cut into parts (:mod:`naql.stories.items`): the run's tokens are the
    parts', and each part's are remembered under its own text, as :func:`tokenize` remembers
    a text's (the query index reads an article's tokens by its text's key)."""
    if memo.vocabulary is None:
        raise ValueError("adopt_parts() follows tokenize() in the same run")
    stems = memo.vocabulary.stems
    memo.put(TOKENS, {text_key(memo, texts[k]): encode_tokens(tokens[k], stems) for k in parts})
    memo.tokens = tokens


def encode_passages(passages: Sequence[TokenPassage]) -> bytes:
    ints = np.array([(p.i0, p.i1, p.j0, p.j1, p.matched) for p in passages], dtype="<i8")
    floats = np.array([p.density for p in passages], dtype="<f8")
    return struct.pack("<Q", len(passages)) + ints.tobytes() + floats.tobytes()


def decode_passages(blob: bytes, left: int, right: int) -> list[TokenPassage]:
    (count,) = struct.unpack_from("<Q", blob)
    ints = np.frombuffer(blob, dtype="<i8", count=5 * count, offset=8).reshape(count, 5)
    floats = np.frombuffer(blob, dtype="<f8", count=count, offset=8 + 40 * count)
    return [
        TokenPassage(left, right, i0, i1, j0, j1, matched, density)
        for (i0, i1, j0, j1, matched), density in zip(ints.tolist(), floats.tolist())
    ]


def encode_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def article_key(memo: Memo, article: Article) -> str:
    """An article's content, every field of it, as a key."""
    fields = [
        article.id,
        article.outlet,
        article.url,
        article.date,
        article.title,
        article.path,
        article.language,
        article.offset,
    ]
    return memo.key(
        text_key(memo, article.text),
        encode_json(fields),
        encode_json(to_json(article.meta)),
        encode_json(to_json(article.dropped)),
    )


def encode_page(
    before: Sequence[Article], after: Sequence[Article], credits: Sequence[Attribution]
) -> bytes:
    """A page's credits, and what attribution changed in its articles (the outlet it read
    from the page): never the texts, which the key already stands for."""
    changed = [
        [rank, new.outlet, to_json(new.meta)]
        for rank, (old, new) in enumerate(zip(before, after))
        if new is not old
    ]
    return encode_json({"changed": changed, "credits": to_json(list(credits))})


def decode_page(
    blob: bytes, articles: Sequence[Article]
) -> tuple[list[Article], list[Attribution]]:
    data = json.loads(blob)
    result = list(articles)
    for rank, outlet, meta in data["changed"]:
        result[rank] = dataclasses.replace(result[rank], outlet=outlet, meta=meta)
    return result, [from_json(Attribution, item) for item in data["credits"]]


_PLACEHOLDER = "\x00story"


def encode_story(story: Story, verdicts: Sequence[Verdict]) -> bytes:
    data = _renumber({"story": to_json(story), "verdicts": to_json(list(verdicts))}, story.id, "")
    return encode_json(data)


def decode_story(blob: bytes, story_id: str) -> tuple[Story, list[Verdict]]:
    data = _renumber(json.loads(blob), "", story_id)
    return from_json(Story, data["story"]), [from_json(Verdict, v) for v in data["verdicts"]]


def _renumber(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """The story's own id, and the ids of its hidden sources («hidden:s3.1»), changed from
    ``old`` to ``new`` (an empty string stands for the placeholder)."""
    old = old or _PLACEHOLDER
    new = new or _PLACEHOLDER
    prefix, replacement = f"hidden:{old}.", f"hidden:{new}."

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return replacement + value[len(prefix) :] if value.startswith(prefix) else value
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    story, verdicts = walk(data["story"]), walk(data["verdicts"])
    if story.get("id") == old:
        story["id"] = new
    for verdict in verdicts:
        if verdict.get("story") == old:
            verdict["story"] = new
    return {"story": story, "verdicts": verdicts}


def align(
    tokens: Sequence[Tokens],
    keys: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    vocabulary: Vocabulary,
    config: AlignConfig,
    memo: Memo,
    progress: Callable[[int, int], None] | None = None,
    backend: Backend | None = None,
) -> list[TokenPassage]:
    """:func:`naql.align.align_pairs` over ``pairs`` of ``tokens`` (texts hashed as ``keys``),
    remembered pairs read back (keyed by both texts and the common stems each holds); the
    others are aligned on ``backend`` when it has several workers."""
    common = common_stems(tokens, tokens, len(vocabulary), config.max_df)
    # A pair's passages depend on its two texts and on which of THEIR stems are common.
    signature: dict[int, str] = {}
    for k in sorted({k for pair in pairs for k in pair}):
        held = np.unique(tokens[k].ids[common[tokens[k].ids]]).tolist()
        signature[k] = memo.key(keys[k], *(vocabulary.stems[s] for s in held))
    pair_keys = [memo.key(PAIRS, signature[a], signature[b]) for a, b in pairs]
    known = memo.get(PAIRS, pair_keys)
    found: list[TokenPassage] = []
    todo: list[tuple[int, int]] = []
    for (a, b), key in zip(pairs, pair_keys):
        blob = known.get(key)
        if blob is None:
            todo.append((a, b))
        else:
            found.extend(decode_passages(blob, a, b))
    fresh = tasks.align_parallel(
        tokens, tokens, todo, len(vocabulary), config, backend, progress, common
    )
    per_pair: dict[tuple[int, int], list[TokenPassage]] = {pair: [] for pair in todo}
    for passage in fresh:
        per_pair[(passage.left, passage.right)].append(passage)
    memo.put(
        PAIRS,
        {
            memo.key(PAIRS, signature[a], signature[b]): encode_passages(group)
            for (a, b), group in per_pair.items()
        },
    )
    # align_pairs' own order: by pair, then by where the passage starts on the left.
    return sorted([*found, *fresh], key=lambda p: (p.left, p.right, p.i0))


def attribute(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    memo: Memo,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Article], list[Attribution]]:
    """:func:`naql.attribution.attribute`, one page at a time (it never looks across pages),
    remembered pages read back."""
    pages: dict[tuple[str, str | None], list[int]] = {}
    for k, article in enumerate(articles):
        pages.setdefault((article.id.split("#", 1)[0], article.path), []).append(k)
    page_keys = {
        page: memo.key(PAGES, *(article_key(memo, articles[k]) for k in members))
        for page, members in pages.items()
    }
    known = memo.get(PAGES, list(page_keys.values()))
    result = list(articles)
    credits: dict[str, list[Attribution]] = {}
    todo: list[int] = []
    for page, members in pages.items():
        blob = known.get(page_keys[page])
        if blob is None:
            todo.extend(members)
            continue
        page_articles, page_credits = decode_page(blob, [articles[k] for k in members])
        for k, article in zip(members, page_articles):
            result[k] = article
        for credit in page_credits:
            credits.setdefault(credit.article, []).append(credit)
    todo.sort()
    new_articles, new_credits = attribution.attribute(
        [articles[k] for k in todo], gazetteer, progress
    )
    for credit in new_credits:
        credits.setdefault(credit.article, []).append(credit)
    for k, article in zip(todo, new_articles):
        result[k] = article
    memo.put(
        PAGES,
        {
            page_keys[page]: encode_page(
                [articles[k] for k in members],
                [result[k] for k in members],
                [c for k in members for c in credits.get(result[k].id, [])],
            )
            for page, members in pages.items()
            if page_keys[page] not in known
        },
    )
    return result, [credit for article in result for credit in credits.get(article.id, [])]


def story_key(memo: Memo, story: StoryInput) -> str:
    """Everything :func:`trace_story` reads about a story, with its articles by rank (their
    indices in the pile shift as it grows; their order does not)."""
    rank = {k: r for r, k in enumerate(story.members)}
    passages = [
        [rank[a], rank[b], [[p.i0, p.i1, p.j0, p.j1, p.matched, p.density] for p in group]]
        for (a, b), group in sorted(story.passages.items())
    ]
    templates = [[rank[a], rank[b], list(v)] for (a, b), v in sorted(story.templates.items())]
    credits = [to_json(story.attributions.get(k, [])) for k in story.members]
    return memo.key(
        STORIES,
        story.label,
        str(story.trust_dates),
        *(article_key(memo, story.articles[k]) for k in story.members),
        encode_json([passages, templates, credits]),
    )


def trace_stories(
    stories: Sequence[StoryInput],
    memo: Memo,
    progress: Callable[[int], None] | None = None,
    backend: Backend | None = None,
) -> tuple[list[Story], list[Verdict]]:
    """:func:`trace_story` for each story, remembered ones read back and renumbered; the
    others are traced on ``backend`` when it has several workers."""
    keys = [story_key(memo, story) for story in stories]
    known = memo.get(STORIES, keys)
    todo: dict[str, int] = {}
    for number, key in enumerate(keys):
        if key not in known:
            todo.setdefault(key, number)
    traced_now = dict(zip(todo, tasks.trace_each([stories[k] for k in todo.values()], backend)))
    new = {key: encode_story(*result) for key, result in traced_now.items()}
    traced: list[Story] = []
    verdicts: list[Verdict] = []
    for done, (story, key) in enumerate(zip(stories, keys), 1):
        if key in traced_now and todo[key] == done - 1:
            result, story_verdicts = traced_now[key]
        else:
            result, story_verdicts = decode_story(known.get(key) or new[key], story.story_id)
        traced.append(result)
        verdicts.extend(story_verdicts)
        if progress is not None and (done % 256 == 0 or done == len(stories)):
            progress(done)
    memo.put(STORIES, new)
    return traced, verdicts

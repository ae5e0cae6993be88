"""What cleaning dropped, line by line: the article, the offsets in the input as read, the
reason, and the text itself (``--explain-clean``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from naql.records import Article

if TYPE_CHECKING:
    from naql.clean import CleanResult


@dataclass(slots=True, frozen=True)
class DropRow:
    """One dropped line: the article, its offsets in the input as read, the reason, the text."""

    article: str
    start: int
    end: int
    reason: str
    text: str


def explain(result: CleanResult) -> list[DropRow]:
    """Every line the cleaning dropped, in input order: article, offsets in the input, reason, text."""
    rows = []
    for article, source in zip(result.articles, result.sources):
        page = result.pages[source]
        rows.extend(_rows(article, page))
    return rows


def explain_drops(cleaned: Sequence[Article], originals: Sequence[Article]) -> list[DropRow]:
    """:func:`explain` when only the cleaned articles and the pages they came from are at hand:
    each article is matched to its page by path and id (``meta["page"]`` for a split story)."""
    by_key: dict[tuple[str | None, Any], Article] = {
        (page.path, page.id): page for page in originals
    }
    rows = []
    for article in cleaned:
        page = by_key.get((article.path, article.id)) or by_key.get(
            (article.path, article.meta.get("page"))
        )
        if page is not None:
            rows.extend(_rows(article, page))
    return rows


def _rows(article: Article, page: Article) -> list[DropRow]:
    shift = article.offset - page.offset
    return [
        DropRow(
            article.id,
            article.offset + drop.span.start,
            article.offset + drop.span.end,
            drop.reason,
            page.text[shift + drop.span.start : shift + drop.span.end],
        )
        for drop in article.dropped
    ]

"""HTML pages: trafilatura finds the main text, title, date, site name and canonical URL.

``Article.text`` is trafilatura's extracted text, untouched. Options used: ``with_metadata=True``,
``include_comments=False`` (reader comments are not the story), tables kept, no deduplication, and
date extraction limited to the page's markup (``extensive_search=False``, ``original_date=True``):
a date guessed from the body text is more often wrong than missing.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from naql.ingest.encoding import DecodeFailure, declared_html_charset, decode_bytes
from naql.ingest.metadata import clean_value, domain_of
from naql.ingest.text import has_text
from naql.records import Article, Problem

# trafilatura and its helpers log every unparsable page at ERROR level; with no handler configured
# Python would print those to stderr next to our one-line Problems. A NullHandler keeps them quiet
# unless the application sets up logging itself.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|!--)[\s>/]", re.IGNORECASE
)


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of an input look like an HTML page (for sniffing)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return False
    if stripped[:5].lower() == b"<?xml":
        return re.search(rb"<html[\s>]", head[:4096], re.IGNORECASE) is not None
    return _HTML_START.search(head[:4096]) is not None


def _extract(html: str, url: str | None) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": date.today().isoformat(),
        },
    )


def article_from_html(
    data: bytes | str,
    *,
    path: str,
    article_id: str,
    url: str | None = None,
    charset: str | None = None,
) -> list[Article | Problem]:
    """The article in one HTML page, or a Problem. ``url`` (e.g. WARC-Target-URI) wins over the
    page's canonical link, which is then kept in ``meta['canonical_url']``."""
    warning = None
    if isinstance(data, bytes):
        try:
            decoded = decode_bytes(data, hint=charset or declared_html_charset(data[:4096]))
        except DecodeFailure as failure:
            return [Problem(path, failure.reason)]
        html, warning = decoded.text, decoded.warning
    else:
        html = data
    if not has_text(html):
        return [Problem(path, "empty text")]
    try:
        doc = _extract(html, url)
    except ImportError as exc:
        return [Problem(path, f"cannot read HTML: trafilatura is not usable ({exc})")]
    except Exception as exc:  # noqa: BLE001 - a page that breaks the extractor is one Problem
        message = " ".join(str(exc).split())[:200]
        return [Problem(path, f"HTML extraction failed ({type(exc).__name__}: {message})")]
    if doc is None:
        return [Problem(path, "no main text in HTML page")]

    def get(key: str) -> Any:
        return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)

    text = get("text")
    if not isinstance(text, str) or not has_text(text):
        return [Problem(path, "no main text in HTML page")]
    canonical = clean_value(get("url"))
    page_url = clean_value(url) or canonical
    meta: dict[str, Any] = {}
    if canonical and canonical != page_url:
        meta["canonical_url"] = canonical
    author = clean_value(get("author"))
    if author:
        meta["author"] = author
    article = Article(
        id=article_id,
        text=text,
        outlet=clean_value(get("sitename")) or domain_of(page_url),
        url=page_url,
        date=clean_value(get("date")),
        title=clean_value(get("title")),
        path=path,
        meta=meta,
    )
    out: list[Article | Problem] = [article]
    if warning:
        out.append(Problem(path, warning))
    return out

"""Plain-text files: one article per file, id = the file's stem, text exactly as decoded."""

from __future__ import annotations

import re
from typing import Any

from naql.ingest.encoding import DecodeFailure, decode_bytes
from naql.ingest.metadata import apply_sidecar
from naql.records import Article, Problem

_NON_BLANK = re.compile(r"\S")


def has_text(text: str) -> bool:
    return _NON_BLANK.search(text) is not None


def article_from_text(
    data: bytes, *, path: str, article_id: str, sidecar: dict[str, Any] | None = None
) -> list[Article | Problem]:
    """The article in a plain-text file (plus a notice if some bytes had to be replaced)."""
    try:
        decoded = decode_bytes(data)
    except DecodeFailure as failure:
        return [Problem(path, failure.reason)]
    if not has_text(decoded.text):
        return [Problem(path, "empty text")]
    article = Article(id=article_id, text=decoded.text, path=path)
    if decoded.encoding not in ("utf-8", "ascii"):
        article.meta["encoding"] = decoded.encoding
    out: list[Article | Problem] = [apply_sidecar(article, sidecar, override=True)]
    if decoded.warning:
        out.append(Problem(path, decoded.warning, skipped=False))
    return out

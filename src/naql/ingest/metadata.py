"""Metadata: field mapping for records, outlet from URL, and the ``metadata.jsonl`` sidecar."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from naql.ingest.options import ReadOptions
from naql.records import Article, Problem, from_json

SIDECAR_NAME = "metadata.jsonl"
META_FIELDS = ("outlet", "url", "date", "title")
_MAX_META_STRING = 1000
_MAX_KEYS_SHOWN = 20
MISSING = object()


def clean_value(value: Any) -> str | None:
    """A metadata value as a string: non-strings converted, surrounding blanks and empty -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    return text or None


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without a leading ``www.``, lower-cased; None if there is none."""
    if not url:
        return None
    candidate = url.strip()
    if "//" not in candidate:
        candidate = "//" + candidate
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


def fill_outlet(article: Article) -> Article:
    if article.outlet is None:
        article.outlet = domain_of(article.url)
    return article


def lookup(record: Mapping[str, Any], name: str) -> Any:
    """``record[name]``, or a dotted path into nested objects; ``MISSING`` when absent."""
    if name in record:
        return record[name]
    if "." in name:
        current: Any = record
        for part in name.split("."):
            if not isinstance(current, Mapping) or part not in current:
                return MISSING
            current = current[part]
        return current
    return MISSING


def missing_field_reason(field: str, keys: Any, flag: str = "--text-field") -> str:
    shown = sorted(str(key) for key in keys if key is not None)
    more = ""
    if len(shown) > _MAX_KEYS_SHOWN:
        more = f", … {len(shown) - _MAX_KEYS_SHOWN} more"
        shown = shown[:_MAX_KEYS_SHOWN]
    available = ", ".join(shown) + more if shown else "none"
    return f"no field {field!r} (available: {available}; use {flag})"


_ARTICLE_FIELDS = frozenset(field.name for field in dataclasses.fields(Article))
# Fields added to Article since its first schema: a record written before them lacks them.
_ARTICLE_FIELDS_ADDED = frozenset({"outlet_name"})


def _is_naql_article(record: Mapping[str, Any], options: ReadOptions) -> bool:
    """A record written by ``naql clean``: the Article fields (of this schema or an earlier
    one), default field names."""
    keys = set(record)
    return (
        options.text_field == "text"
        and keys <= _ARTICLE_FIELDS
        and _ARTICLE_FIELDS - _ARTICLE_FIELDS_ADDED <= keys
    )


def article_from_record(
    record: Any, options: ReadOptions, *, default_id: str, path: str
) -> Article | str:
    """An Article from one JSON/CSV record, or the Problem reason why not."""
    if not isinstance(record, Mapping):
        kind = "an array" if isinstance(record, list) else type(record).__name__
        if record is None:
            kind = "null"
        return f"not a JSON object (got {kind})"
    if _is_naql_article(record, options):
        # `naql clean --out` output read back: keep its offsets and drops exactly.
        try:
            article = from_json(Article, dict(record))
        except (TypeError, ValueError) as error:
            return f"not a valid naql article record ({error})"
        if not article.path:
            article.path = path
        return article
    text = lookup(record, options.text_field)
    if text is MISSING:
        return missing_field_reason(options.text_field, record.keys())
    if text is None:
        return "empty text"
    if not isinstance(text, str):
        return f"field {options.text_field!r} is {type(text).__name__}, not a string"
    if not text or text.isspace():
        return "empty text"
    raw_id = lookup(record, options.id_field)
    article_id = clean_value(None if raw_id is MISSING else raw_id) or default_id
    fields = (options.outlet_field, options.url_field, options.date_field, options.title_field)
    outlet, url, day, title = (_field(record, name) for name in fields)
    if title and "&" in title:
        # Some crawls keep the page's title HTML-escaped («&#8220;7 series&#8221;») while the
        # text is read: the title is shown, and matched against the text's own last line.
        title = unescape(title)
    used = {options.text_field, options.id_field, options.author_field, *fields}
    meta = {
        key: value
        for key, value in record.items()
        if key not in used and key is not None and _small_scalar(value)
    }
    author = _field(record, options.author_field)
    if author:
        meta["author"] = author  # under the name attribution reads bylines by
    article = Article(
        id=article_id,
        text=text,
        outlet=outlet,
        url=url,
        date=day,
        title=title,
        path=path,
        meta=meta,
    )
    return fill_outlet(article)


def _field(record: Mapping[str, Any], name: str) -> str | None:
    value = lookup(record, name)
    return None if value is MISSING else clean_value(value)


def _small_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return 0 < len(value) <= _MAX_META_STRING
    return isinstance(value, int | float | bool)


def parse_sidecar(
    lines: Iterator[tuple[int, str]], path: str
) -> Iterator[tuple[str, dict[str, Any]] | Problem]:
    """``(file name, metadata)`` for each line of a sidecar, or a Problem for a bad line."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            yield Problem(path, f"invalid JSON in metadata sidecar ({_short(exc)})", number)
            continue
        if not isinstance(entry, dict):
            yield Problem(path, "metadata sidecar line is not a JSON object", number)
            continue
        name = entry.get("file")
        if not isinstance(name, str) or not name.strip():
            yield Problem(path, "metadata sidecar line has no 'file' key", number)
            continue
        key = name.strip().replace("\\", "/")
        while key.startswith("./"):
            key = key[2:]
        yield key, entry


def apply_sidecar(article: Article, entry: Mapping[str, Any] | None, *, override: bool) -> Article:
    """Merge a sidecar entry into ``article``.

    ``override``: the sidecar's non-null values replace what the reader found (plain text, HTML);
    otherwise they only fill gaps (JSON/CSV records carry their own fields). Keys other than the
    known ones go to ``Article.meta``.
    """
    if not entry:
        return fill_outlet(article)
    for key, value in entry.items():
        if key == "file":
            continue
        if key in META_FIELDS:
            cleaned = clean_value(value)
            if cleaned is not None and (override or getattr(article, key) is None):
                setattr(article, key, cleaned)
        elif key == "id":
            cleaned = clean_value(value)
            if cleaned is not None and override:
                article.id = cleaned
        elif key not in ("text", "path", "offset", "dropped", "meta", "language"):
            if override or key not in article.meta:
                article.meta[key] = value
        elif key == "language":
            cleaned = clean_value(value)
            if cleaned is not None and (override or article.language is None):
                article.language = cleaned
    return fill_outlet(article)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]

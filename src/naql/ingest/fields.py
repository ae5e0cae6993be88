"""Which fields of a file's records hold the text, title, date...: the names naql is told, or,
when a record lacks a default name, the name a common export uses for it.

News datasets name their fields their own way: SaudiNewsNet ``content`` and ``source``,
news-please ``maintext``, ``date_publish`` and ``source_domain``. A field left at its default
(``--text-field text``...) that a file's first record lacks is looked for under those names, the
file's records read with what was found, and a note says so once per file, naming the flags
that choose otherwise. A crawl's own time (``date_extracted``, ``date_download``) is never
taken for the publication date: the note names the date-like fields the records have instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from naql.ingest.options import ReadOptions

_DEFAULTS = ReadOptions()

# ReadOptions attribute -> (what the field holds, its flag, the names other exports give it)
FALLBACKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "text_field": ("text", "--text-field", ("content", "maintext", "body", "article", "full_text")),
    "title_field": ("title", "--title-field", ("headline",)),
    "date_field": (
        "date",
        "--date-field",
        ("date_publish", "date_published", "published", "publish_date", "pubdate", "published_at"),
    ),
    "outlet_field": (
        "outlet",
        "--outlet-field",
        ("source", "source_domain", "sitename", "publisher"),
    ),
    "url_field": ("URL", "--url-field", ("link",)),
    "author_field": ("byline", "--author-field", ("byline", "authors")),
}


def _holds(record: Mapping[str, Any], name: str) -> bool:
    value = record.get(name)
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    )


def chosen_fields(
    record: Mapping[str, Any], options: ReadOptions
) -> tuple[ReadOptions, str | None]:
    """The options a file's records are read with, decided on its first record, and the note
    to give when they are not the ones asked for (None when nothing was guessed)."""
    found: dict[str, str] = {}
    for attribute, (_, _, names) in FALLBACKS.items():
        asked = getattr(options, attribute)
        if asked != getattr(_DEFAULTS, attribute) or asked in record:
            continue
        for name in names:
            if _holds(record, name) and name not in found.values():
                found[attribute] = name
                break
    dates = ""
    if options.date_field not in record and "date_field" not in found:
        others = sorted(str(key) for key in record if "date" in str(key).lower())
        if others:
            dates = (
                f"; no publication date read (the records have {', '.join(others)}: "
                "--date-field names the one that is)"
            )
    if not found:
        return options, (dates.removeprefix("; ") or None)
    read = ", ".join(f"the {FALLBACKS[a][0]} from {name!r}" for a, name in found.items())
    flags = ", ".join(FALLBACKS[a][1] for a in found)
    note = f"read {read} (the default fields are absent; {flags} choose others){dates}"
    chosen = dataclasses.replace(options)
    for attribute, name in found.items():
        setattr(chosen, attribute, name)
    return chosen, note

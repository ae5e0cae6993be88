"""What the readers take and give: :class:`ReadOptions` and :class:`ReadResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

from naql.records import Article, Problem


@dataclass(slots=True, kw_only=True)
class ReadOptions:
    """How to read inputs: which record fields hold what, and whether to descend into folders."""

    text_field: str = "text"
    id_field: str = "id"
    outlet_field: str = "outlet"
    url_field: str = "url"
    date_field: str = "date"
    title_field: str = "title"
    recursive: bool = True


@dataclass(slots=True)
class ReadResult:
    """Everything read: the articles, the problems, and how many inputs were skipped, by reason."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

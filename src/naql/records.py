"""The records that flow between naql's stages.

Every hand-off between stages is one of these slots dataclasses. They carry no behaviour beyond
conversion to and from plain JSON-ready dicts, so that `records -> JSON -> records` is the
identity (a property test checks it).
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

SCHEMA_VERSION = "1.4"


@dataclass(slots=True, frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's ORIGINAL text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end}): need 0 <= start <= end")

    def __len__(self) -> int:
        return self.end - self.start

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(slots=True, frozen=True)
class Drop:
    """A stretch of an article's text that cleaning set aside, and why (kept so it can be undone)."""

    span: Span
    reason: str


def drops_within(dropped: Sequence[Drop], begin: int, end: int) -> list[Drop]:
    """The drops that lie in ``[begin, end)`` of a text, in the coordinates of that slice (a
    part cut from a page keeps what cleaning set aside in it)."""
    return [
        Drop(Span(d.span.start - begin, d.span.end - begin), d.reason)
        for d in dropped
        if begin <= d.span.start and d.span.end <= end
    ]


@dataclass(slots=True)
class Article:
    """One article. Its ``text`` is a faithful slice of the input document starting at ``offset``.

    Cleaning never deletes characters: it blanks what it drops (chrome, repeated captions) with
    spaces and lists it in ``dropped``, so a span in ``text`` plus ``offset`` is always a span of
    the input as read (for HTML: of the text extracted from it).

    ``outlet`` is the outlet as the input gives it (a name, a feed's id such as «aawsat»);
    ``outlet_name`` is what a reader calls it, the gazetteer's name for that outlet or for the
    URL's site, when the gazetteer knows either.
    """

    id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    date: str | None = None
    title: str | None = None
    path: str | None = None
    language: str | None = None
    offset: int = 0
    dropped: list[Drop] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    outlet_name: str | None = None

    @property
    def shown_outlet(self) -> str | None:
        """The outlet as a reader sees it: its name, else as the input gave it."""
        return self.outlet_name or self.outlet

    @property
    def label(self) -> str:
        """How every output names the article: «id (outlet)», or its id alone."""
        outlet = self.shown_outlet
        return f"{self.id} ({outlet})" if outlet else self.id


@dataclass(slots=True)
class Passage:
    """A reused passage: ``a_span`` in article ``a`` corresponds to ``b_span`` in article ``b``.

    ``kind`` says how the reuse looks: ``verbatim`` (same words, same order), ``edited`` (same
    order with insertions, deletions or swaps) or ``shuffled`` (same words, order changed).
    """

    a: str
    b: str
    a_span: Span
    b_span: Span
    kind: str
    score: float
    matched_words: int


@dataclass(slots=True)
class Alignment:
    """All passages shared by one pair of articles, with each side's share of reused text."""

    a: str
    b: str
    passages: list[Passage]
    a_share: float
    b_share: float


@dataclass(slots=True, frozen=True)
class Attribution:
    """An outlet credited (or named) in an article, with the words that say so.

    ``role``: ``source`` (the story or a part of it comes from there), ``photo`` (a picture
    credit), ``self`` (the outlet naming itself) or ``mention`` (named, not credited).
    """

    article: str
    outlet: str  # gazetteer id, or the name as written when the gazetteer does not know it
    name: str  # display name
    role: str
    span: Span
    cue: str
    # Where the credit stands: "text", or the metadata field that carries it ("author": many
    # sites credit agency copy only in the byline, «الرياض - واس»). ``span`` indexes that field.
    where: str = "text"


@dataclass(slots=True, frozen=True)
class Signal:
    """One piece of evidence about the direction of an edge; ``weight`` > 0 supports it."""

    # date | published | credit | self-report | containment | agency | teaser | common-source
    name: str
    weight: float
    detail: str


@dataclass(slots=True)
class Edge:
    """``source`` → ``target``: the target took text from the source (or from what it stands for)."""

    source: str
    target: str
    # copied | excerpt (an outlet's own text cut short) | shared (direction unknown) |
    # template (same formula, other facts) | credited (the target credits a source not in the pile)
    kind: str
    shared_words: int
    signals: list[Signal]


@dataclass(slots=True)
class HiddenSource:
    """A text that is not in the pile but must exist: several articles share passages that no
    article in the pile explains, and they credit the same outlet."""

    id: str
    outlet: str | None  # gazetteer id when credits or agencies name it; None when unnamed
    name: str
    reason: str
    explains: list[str]  # the articles whose shared text it accounts for
    evidence: list[Passage]
    # Per article: what it alone has inside the shared passages (a figure, a clause, a fuller
    # title), the proof that neither article can be the other's only source.
    alone: dict[str, list[Span]] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class SourceShare:
    source: str  # article id or hidden-source id
    share: float


@dataclass(slots=True)
class Verdict:
    """What naql concludes about one article within its story (classes as in the METER corpus)."""

    article: str
    story: str
    # wholly derived | partially derived | independent | excerpt (its outlet's own text, cut short)
    derivation: str
    reused_share: float
    sources: list[SourceShare]
    added: list[Span]
    credits: list[str]  # outlets credited as a source or for a photo (display names)


@dataclass(slots=True, frozen=True)
class KeptApart:
    """Another story that shares text or a strong link with this one, kept apart because the
    two report different events, and the evidence: ``article`` (of this story) and ``other``
    (of the other one) are the pair that shows it best."""

    story: str
    article: str
    other: str
    # template (one formula, other facts) | formula (shared text and nothing else alike,
    # dated on different days) | day (the leads name days that cannot meet)
    reason: str
    detail: str


@dataclass(slots=True)
class Story:
    id: str
    label: str
    articles: list[str]
    origin: str | None  # article id or hidden-source id
    origin_outlet: str | None
    independent_sources: int
    credited: list[str]
    edges: list[Edge]
    hidden: list[HiddenSource]
    # The independent sources by name, one per root of the transmission graph that no shared
    # text connects to another («واس», «الشرق الأوسط (not in the pile)»).
    sources: list[str] = field(default_factory=list)
    # Stories this one is not merged with although text or a strong link joins them, and why.
    kept_apart: list[KeptApart] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """An input that could not be (fully) used: what, where, why. Never raised, always reported.

    ``skipped`` is False for a notice about an input that WAS used (a few bytes decoded as
    U+FFFD): worth a line, but not a skip. ``count`` is how many inputs or records this one
    Problem stands for: 1, except for a summary line such as the per-file cap's "50 more problems
    in this file not shown", so that summing ``count`` over skips gives the exact number skipped.
    """

    path: str
    reason: str
    line: int | None = None
    skipped: bool = True
    count: int = 1

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class Trace:
    """The result of ``naql trace``: what was read, what was skipped, who reuses whom."""

    articles: list[Article]
    alignments: list[Alignment]
    stories: list[Story] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION


R = TypeVar("R")
C = TypeVar("C", bound=type)


def pickled_by_fields(cls: C) -> C:
    """``cls`` (a slots dataclass) pickled as its constructor's arguments. The default pickles
    a slots dataclass through ``dataclasses.fields`` and one setattr per field, twice the cost
    both ways: stories' verdicts came back from the workers at 1.7 s for SaudiNewsNet."""
    names = _field_names(cls)
    values = operator.attrgetter(*names)

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        found = values(self)
        return cls, found if len(names) > 1 else (found,)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


_PLAIN = (str, int, float, bool, type(None))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def to_json(record: Any) -> Any:
    """A record (or a list/dict of them) as plain JSON-ready data."""
    if isinstance(record, _PLAIN):
        return record
    if isinstance(record, list | tuple):
        return [to_json(item) for item in record]
    if isinstance(record, dict):
        return {key: to_json(value) for key, value in record.items()}
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {name: to_json(getattr(record, name)) for name in _field_names(type(record))}
    return record


def from_json(cls: type[R], data: Any) -> R:
    """The inverse of :func:`to_json` for a record class (nested records are rebuilt too)."""
    return typing.cast(R, _builder(typing.cast(Any, cls))(data))


def _same(data: Any) -> Any:
    return data


@functools.cache
def _builder(annotation: Any) -> Callable[[Any], Any]:
    """A function that rebuilds ``annotation`` from JSON data, made once per type: reading an
    index rebuilds tens of thousands of records, and resolving type hints per record cost
    more than the rest of the work."""
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _record_builder(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        concrete = [arg for arg in args if arg is not type(None)]
        if len(concrete) != 1:
            return _same
        inner = _builder(concrete[0])
        return _same if inner is _same else (lambda data: None if data is None else inner(data))
    if origin is list:
        item = _builder(args[0])
        return (
            _same
            if item is _same
            else (lambda data: None if data is None else [item(x) for x in data])
        )
    if origin is dict:
        value = _builder(args[1])
        if value is _same:
            return _same
        return lambda data: None if data is None else {k: value(v) for k, v in data.items()}
    return _same


def _record_builder(cls: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    known = frozenset(_field_names(cls))
    builders = {name: _builder(hints[name]) for name in known}

    def build(data: Any) -> Any:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__} expects an object, got {type(data).__name__}")
        if not known.issuperset(data):
            raise ValueError(f"{cls.__name__} has no field(s) {sorted(set(data) - known)}")
        return cls(**{name: builders[name](value) for name, value in data.items()})

    return build


for _record in [*globals().values()]:
    if isinstance(_record, type) and dataclasses.is_dataclass(_record):
        if _record.__module__ == __name__:
            pickled_by_fields(_record)

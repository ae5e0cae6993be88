"""The outlet gazetteer: many names, one outlet (الشرق الأوسط = Asharq Al-Awsat = aawsat.com).

Names are matched on normalised word sequences, so «الشرق الأوسط», «الشرق الاوسط» and
«لـ«الشرق الأوسط»» all meet. Arabic proclitics (و ف ب ل ك, and ل + ال = لل) may stick to a name.
Names that are also ordinary words or places («الرياض», «اليوم», «الوطن») count only with a cue
(صحيفة، جريدة، وكالة، قناة …) right before them or inside quotes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import regex

from naql.errors import ConfigError
from naql.text import words

QUOTES = "«»\"“”'‘’„"
# Words that announce an outlet: «صحيفة X», «وكالة X», «قناة X», «موقع X», and their clitic forms.
CUES = ("صحيفه", "جريده", "وكاله", "قناه", "موقع", "مجله", "اذاعه", "تلفزيون", "شبكه", "newspaper",
        "agency", "channel", "journal", "magazine", "site", "website", "daily")


@dataclass(slots=True, frozen=True)
class Outlet:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Mention:
    """An outlet named in a text: where (original offsets), as what, and whether a cue or quotes
    marked it as an outlet rather than a word."""

    outlet: Outlet
    start: int
    end: int
    alias: str
    marked: bool


def _key(name: str) -> str:
    return " ".join(words(name).forms)


@dataclass(slots=True)
class Gazetteer:
    outlets: dict[str, Outlet] = field(default_factory=dict)
    _names: dict[str, tuple[str, bool]] = field(default_factory=dict)  # key -> (outlet id, ambiguous)
    _domains: dict[str, str] = field(default_factory=dict)
    _compiled: regex.Pattern[str] | None = None

    def add(self, outlet: Outlet) -> None:
        self.outlets[outlet.id] = outlet
        for alias in (outlet.name, *outlet.aliases):
            if alias not in outlet.ambiguous:
                self._names[_key(alias)] = (outlet.id, False)
        for alias in outlet.ambiguous:
            self._names.setdefault(_key(alias), (outlet.id, True))
        for domain in outlet.domains:
            self._domains[domain.lower().removeprefix("www.")] = outlet.id
        self._compiled = None  # rebuilt on next use

    def lookup(self, name: str) -> Outlet | None:
        """The outlet a name (or a URL, or a domain) refers to, if the gazetteer knows it."""
        if "/" in name or "." in name and " " not in name.strip():
            by_domain = self.by_domain(name)
            if by_domain:
                return by_domain
        key = _key(name)
        for prefix in ("", "صحيفه ", "جريده ", "وكاله ", "قناه ", "موقع "):
            if key.startswith(prefix) and key[len(prefix):] in self._names:
                return self.outlets[self._names[key[len(prefix):]][0]]
        return None

    def by_domain(self, url_or_domain: str) -> Outlet | None:
        host = urlsplit(url_or_domain).hostname if "//" in url_or_domain else url_or_domain
        host = (host or "").lower().removeprefix("www.")
        while host:
            if host in self._domains:
                return self.outlets[self._domains[host]]
            _, _, host = host.partition(".")
        return None

    def _pattern(self) -> regex.Pattern[str]:
        if self._compiled is None:
            alternatives = []
            for key in sorted(self._names, key=len, reverse=True):
                body = regex.escape(key)
                if key.startswith("ال"):
                    alternatives.append(f"(?:[وف]?[بك]?ال|[وف]?لل){regex.escape(key[2:])}")
                elif regex.match(r"\p{Arabic}", key):
                    alternatives.append(f"(?:[وف]?[بلك]?){body}")
                else:
                    alternatives.append(body)
            # Built lazily: one alternation of every name, longest first (~5 ms).
            self._compiled = regex.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
        return self._compiled

    def mentions(self, text: str) -> list[Mention]:
        """Every outlet named in ``text``, with original offsets, leftmost-longest."""
        found = words(text)
        if not found.forms:
            return []
        joined = " ".join(found.forms)
        # Character position in `joined` -> token index, to map matches back to offsets.
        lengths = np.fromiter((len(f) + 1 for f in found.forms), dtype=np.int64, count=len(found.forms))
        token_starts = np.r_[0, np.cumsum(lengths)[:-1]]
        result = []
        for match in self._pattern().finditer(joined):
            first = int(np.searchsorted(token_starts, match.start(), side="right") - 1)
            last = int(np.searchsorted(token_starts, match.end() - 1, side="right") - 1)
            matched = match.group()
            outlet_id, ambiguous = self._resolve(matched)
            if outlet_id is None:
                continue
            start, end = int(found.starts[first]), int(found.ends[last])
            cue = first > 0 and _without_proclitics(found.forms[first - 1]) in CUES
            # Quoted on both sides: «الرياض» is the paper, «… الجامعة العربية» closes a quotation.
            quoted = start > 0 and text[start - 1] in QUOTES and end < len(text) and text[end] in QUOTES
            if ambiguous and not (cue or quoted):
                continue
            result.append(Mention(self.outlets[outlet_id], start, end, text[start:end], cue or quoted))
        return result

    def _resolve(self, matched: str) -> tuple[str | None, bool]:
        if matched in self._names:
            return self._names[matched]
        # Strip the proclitics the pattern allowed, longest first.
        for cut in (3, 2, 1):
            head, rest = matched[:cut], matched[cut:]
            for candidate in (rest, "ال" + rest[2:] if head.endswith("ل") and rest.startswith("ل") else None,
                              "ال" + rest if head.endswith("لل") else None):
                if candidate and candidate in self._names:
                    return self._names[candidate]
        return None, False


def _without_proclitics(form: str) -> str:
    for prefix in ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك"):
        if form.startswith(prefix) and form[len(prefix):] in CUES:
            return form[len(prefix):]
    return form


def _outlets_from(data: dict) -> Iterable[Outlet]:
    for entry in data.get("outlets", []):
        try:
            yield Outlet(
                id=entry["id"], name=entry["name"], kind=entry.get("kind", "outlet"),
                aliases=tuple(entry.get("aliases", ())), ambiguous=tuple(entry.get("ambiguous", ())),
                domains=tuple(entry.get("domains", ())),
            )
        except (KeyError, TypeError) as error:
            raise ConfigError(f"outlet entry {entry!r} lacks {error}: each needs at least id and name") from None


@functools.lru_cache(maxsize=1)
def _builtin_data() -> dict:
    return json.loads(resources.files("naql").joinpath("data/outlets.json").read_text(encoding="utf-8"))


def load(extra: str | Path | None = None) -> Gazetteer:
    """The built-in gazetteer, extended (or overridden, by id) with a user file of the same form."""
    gazetteer = Gazetteer()
    for outlet in _outlets_from(_builtin_data()):
        gazetteer.add(outlet)
    if extra is not None:
        try:
            data = json.loads(Path(extra).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"{extra}: cannot read the outlets file ({error})") from None
        for outlet in _outlets_from(data):
            gazetteer.add(outlet)
    return gazetteer

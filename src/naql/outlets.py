"""The outlet gazetteer: many names, one outlet (الشرق الأوسط = Asharq Al-Awsat = aawsat.com).

Names are matched on normalised word sequences, so «الشرق الأوسط», «الشرق الاوسط» and
«لـ«الشرق الأوسط»» all meet. Arabic proclitics (و ف ب ل ك, and ل + ال = لل) may stick to a name.
Names that are also ordinary words or places («الرياض», «اليوم», «الوطن») count only with a cue
(صحيفة، جريدة، وكالة، قناة …) right before them or inside quotes.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from naql.errors import ConfigError
from naql.text import Words, words

QUOTES = "«»\"“”'‘’„"
# Words that announce an outlet: «صحيفة X», «وكالة X», «قناة X», «موقع X», and their clitic forms.
CUES = (
    "صحيفه",
    "جريده",
    "وكاله",
    "قناه",
    "موقع",
    "مجله",
    "اذاعه",
    "تلفزيون",
    "شبكه",
    "newspaper",
    "agency",
    "channel",
    "journal",
    "magazine",
    "site",
    "website",
    "daily",
)


@dataclass(slots=True, frozen=True)
class Outlet:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    # Longer names of other things that hold one of the outlet's names («سوق عكاظ», the
    # festival, for the paper «عكاظ»): a name read inside one of them is not the outlet.
    part_of: tuple[str, ...] = ()
    # Patterns of the URLs of the outlet's print issues («/Issues/20150810/»): the date in such
    # a URL is the issue's, whose text was written the day before (naql.provenance.published).
    print_urls: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Mention:
    """An outlet named in a text: where (original offsets), as what, and whether a cue or quotes
    marked it as an outlet rather than a word."""

    outlet: Outlet
    start: int
    end: int
    alias: str
    marked: bool
    first_token: int = 0
    last_token: int = 0
    # The proclitics glued to the name's first word («ل» in «لرويترز», «ول» in «وللشرق»).
    proclitic: str = ""


def _key(name: str) -> str:
    return " ".join(words(name).forms)


@dataclass(slots=True)
class Gazetteer:
    outlets: dict[str, Outlet] = field(default_factory=dict)
    _names: dict[str, tuple[str, bool]] = field(
        default_factory=dict
    )  # key -> (outlet id, ambiguous)
    _domains: dict[str, str] = field(default_factory=dict)
    # name key -> the words around it that make it part of another name: (before, after)
    _part_of: dict[str, list[tuple[tuple[frozenset[str], ...], tuple[str, ...]]]] = field(
        default_factory=dict
    )
    _index: dict[str, list[tuple[tuple[str, ...], str]]] | None = None
    _looked_up: dict[str, Outlet | None] = field(default_factory=dict)  # a corpus repeats names

    def add(self, outlet: Outlet) -> None:
        self.outlets[outlet.id] = outlet
        for alias in (outlet.name, *outlet.aliases):
            if alias not in outlet.ambiguous:
                self._names[_key(alias)] = (outlet.id, False)
        for alias in outlet.ambiguous:
            self._names.setdefault(_key(alias), (outlet.id, True))
        for longer in outlet.part_of:
            whole = _key(longer).split(" ")
            for alias in (outlet.name, *outlet.aliases, *outlet.ambiguous):
                part = _key(alias).split(" ")
                at = next((i for i in range(len(whole)) if whole[i : i + len(part)] == part), None)
                if at is None:
                    continue
                before = tuple(
                    frozenset(_proclitic_forms(word)) if i == 0 else frozenset([word])
                    for i, word in enumerate(whole[:at])
                )
                self._part_of.setdefault(_key(alias), []).append(
                    (before, tuple(whole[at + len(part) :]))
                )
        for domain in outlet.domains:
            self._domains[domain.lower().removeprefix("www.")] = outlet.id
        self._index = None  # rebuilt on next use
        self._looked_up.clear()

    def lookup(self, name: str) -> Outlet | None:
        """The outlet a name (or a URL, or a domain) refers to, if the gazetteer knows it."""
        if name not in self._looked_up:
            self._looked_up[name] = self._lookup(name)
        return self._looked_up[name]

    def _lookup(self, name: str) -> Outlet | None:
        if "/" in name or "." in name and " " not in name.strip():
            by_domain = self.by_domain(name)
            if by_domain:
                return by_domain
        key = _key(name)
        for prefix in ("", "صحيفه ", "جريده ", "وكاله ", "قناه ", "موقع "):
            if key.startswith(prefix) and key[len(prefix) :] in self._names:
                return self.outlets[self._names[key[len(prefix) :]][0]]
        return None

    def by_domain(self, url_or_domain: str) -> Outlet | None:
        host = urlsplit(url_or_domain).hostname if "//" in url_or_domain else url_or_domain
        host = (host or "").lower().removeprefix("www.")
        while host:
            if host in self._domains:
                return self.outlets[self._domains[host]]
            _, _, host = host.partition(".")
        return None

    def _first_tokens(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """First word of every name, in every proclitic form, -> (remaining words, name key).

        Built lazily (~5 ms). Matching then costs one C-level set lookup per token of a text;
        only the few tokens that can open a name are looked at in Python.
        """
        if self._index is None:
            index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for key in self._names:
                first, *rest = key.split(" ")
                for variant in _proclitic_forms(first):
                    index.setdefault(variant, []).append((tuple(rest), key))
            for candidates in index.values():
                candidates.sort(key=lambda candidate: -len(candidate[0]))  # longest name first
            self._index = index
        return self._index

    def mentions(self, text: str, found: Words | None = None) -> list[Mention]:
        """Every outlet named in ``text``, with original offsets, leftmost-longest.

        ``found`` is ``words(text)`` when the caller has it already.
        """
        found = found or words(text)
        forms = found.forms
        index = self._first_tokens()
        opens = np.fromiter(map(index.__contains__, forms), dtype=bool, count=len(forms))
        result = []
        position = 0
        for first in np.flatnonzero(opens).tolist():
            if first < position:
                continue  # inside the previous name
            for rest, key in index[forms[first]]:
                last = first + len(rest)
                if tuple(forms[first + 1 : last + 1]) != rest:
                    continue
                outlet_id, ambiguous = self._names[key]
                if key in self._part_of and _inside_longer(forms, first, last, self._part_of[key]):
                    continue
                start, end = int(found.starts[first]), int(found.ends[last])
                cue = first > 0 and _without_proclitics(forms[first - 1]) in CUES
                # Quoted on both sides: «الرياض» is the paper, «… الجامعة العربية» closes a quotation.
                quoted = (
                    start > 0
                    and text[start - 1] in QUOTES
                    and end < len(text)
                    and text[end] in QUOTES
                )
                if ambiguous and not (cue or quoted):
                    continue
                result.append(
                    Mention(
                        self.outlets[outlet_id],
                        start,
                        end,
                        text[start:end],
                        cue or quoted,
                        first,
                        last,
                        _proclitic(forms[first], key.split(" ", 1)[0]),
                    )
                )
                position = last + 1
                break
        return result


def site_of(url: str | None) -> str | None:
    """The part of ``url`` that names its site, as written (between «//» and the next «/»), or
    ``url`` whole when it has no «//»: what :meth:`Gazetteer.by_domain` reads of it, so the key
    on which look-ups of an article's outlet by its URL are remembered."""
    return url.split("/")[2] if url and "//" in url else url


def _proclitic_forms(word: str) -> set[str]:
    """A name's first word as it may stand glued to و ف ب ل ك: «وسانا», «بالأناضول», «للشرق»."""
    if not any("\u0600" <= char <= "\u06ff" for char in word):
        return {word}
    forms = {word}
    conjunctions = ("", "و", "ف")
    if word.startswith("ال"):
        for conjunction in conjunctions:
            forms.update(conjunction + preposition + word for preposition in ("", "ب", "ك"))
            forms.add(conjunction + "ل" + word[1:])  # ل + ال = لل
    else:
        for conjunction in conjunctions:
            forms.update(conjunction + preposition + word for preposition in ("", "ب", "ل", "ك"))
    return forms


def _proclitic(form: str, word: str) -> str:
    """What stands glued before ``word`` in ``form`` (one of :func:`_proclitic_forms`)."""
    if form.endswith(word):
        return form[: len(form) - len(word)]
    return form[: len(form) - len(word) + 1]  # ل + ال = لل: «للشرق» is «ل» + «الشرق»


def _inside_longer(
    forms: Sequence[str],
    first: int,
    last: int,
    longer: list[tuple[tuple[frozenset[str], ...], tuple[str, ...]]],
) -> bool:
    """Whether the name at tokens ``first``..``last`` stands inside one of the ``longer`` names
    (the words before it, the first in any proclitic form, and the words after it)."""
    for before, after in longer:
        start = first - len(before)
        if start < 0 or tuple(forms[last + 1 : last + 1 + len(after)]) != after:
            continue
        if all(forms[start + i] in allowed for i, allowed in enumerate(before)):
            return True
    return False


def _without_proclitics(form: str) -> str:
    for prefix in ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك"):
        if form.startswith(prefix) and form[len(prefix) :] in CUES:
            return form[len(prefix) :]
    return form


def _outlets_from(data: dict) -> Iterable[Outlet]:
    for entry in data.get("outlets", []):
        try:
            yield Outlet(
                id=entry["id"],
                name=entry["name"],
                kind=entry.get("kind", "outlet"),
                aliases=_names(entry, "aliases"),
                ambiguous=_names(entry, "ambiguous"),
                domains=_names(entry, "domains"),
                part_of=_names(entry, "part_of"),
                print_urls=_patterns(entry, "print_urls"),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ConfigError(
                f"outlet entry {entry!r} lacks {error}: each needs at least id and name"
            ) from None


def _patterns(entry: dict, key: str) -> tuple[str, ...]:
    """A list field of regular expressions, each checked here (a bad one is the file's error)."""
    patterns = _names(entry, key)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                f"outlet {entry.get('id')!r}: {key} pattern {pattern!r} is not a regular "
                f"expression ({error})"
            ) from None
    return patterns


def _names(entry: dict, key: str) -> tuple[str, ...]:
    """A list field of an outlet entry; one name given as a string is that name (a tuple of
    the string would be its letters, each then an alias)."""
    value = entry.get(key, ())
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(
        f"outlet {entry.get('id')!r}: {key} must be a name or a list of names, not {value!r}"
    )


@functools.lru_cache(maxsize=1)
def _builtin_data() -> dict:
    return json.loads(
        resources.files("naql").joinpath("data/outlets.json").read_text(encoding="utf-8")
    )


def load(extra: str | Path | None = None, *, latin_names: bool = False) -> Gazetteer:
    """The built-in gazetteer, extended (or overridden, by id) with a user file of the same form.

    ``latin_names``: show each outlet by its first Latin-script alias («Reuters», not «رويترز»),
    for a pile written in Latin script.
    """
    outlets = list(_outlets_from(_builtin_data()))
    if extra is not None:
        try:
            data = json.loads(Path(extra).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(f"{extra}: cannot read the outlets file ({error})") from None
        if not isinstance(data, dict) or not isinstance(data.get("outlets"), list):
            raise ConfigError(
                f'{extra}: not an outlets file: expected an object with an "outlets" list '
                '({"outlets": [{"id": …, "name": …, "aliases": […]}]}, as naql/data/outlets.json)'
            )
        try:
            extra_outlets = list(_outlets_from(data))
        except ConfigError as error:
            raise ConfigError(f"{extra}: {error}") from None
        if not extra_outlets:
            raise ConfigError(f"{extra}: the outlets file holds no outlet")
        outlets.extend(extra_outlets)
    gazetteer = Gazetteer()
    for outlet in outlets:
        gazetteer.add(_with_latin_name(outlet) if latin_names else outlet)
    return gazetteer


def _with_latin_name(outlet: Outlet) -> Outlet:
    latin = next(
        (alias for alias in outlet.aliases if alias.isascii() and any(c.isalpha() for c in alias)),
        None,
    )
    if latin is None:
        return outlet
    # The Arabic display name stays an alias, so matching is unchanged.
    aliases = outlet.aliases if outlet.name in outlet.aliases else (outlet.name, *outlet.aliases)
    return dataclasses.replace(outlet, name=latin, aliases=aliases)


def mostly_latin(texts: Iterable[str], sample: int = 2000) -> bool:
    """Whether most of the letters in (the start of) these texts are Latin rather than Arabic."""
    latin = arabic = 0
    # A thousand texts' heads at a time: the whole pile's at once, as UTF-32 with its masks,
    # was the largest allocation of a SaudiNewsNet trace (760 MB).
    heads = (text[:sample] for text in texts)
    while batch := list(itertools.islice(heads, 1000)):
        codes = np.frombuffer("".join(batch).encode("utf-32-le", "surrogatepass"), np.uint32)
        lower = codes | 0x20  # ASCII letters, either case, fold onto a-z
        # «İ» and the Kelvin sign lower-case to a Latin letter too (str.lower()).
        latin += int(((lower >= 0x61) & (lower <= 0x7A)).sum())
        latin += int(np.isin(codes, (0x130, 0x212A)).sum())
        arabic += int(((codes >= 0x600) & (codes <= 0x6FF)).sum())
    return latin > arabic

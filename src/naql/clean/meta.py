"""Page metadata from the page itself: the outlet's self-mention (a byline line) via the gazetteer.

A byline line is short (at most ``byline_max_words`` words), sits among the first ``head_lines``
lines of a story, and is an outlet's name, alone («الرئيس نيوز», page 002) or joined by «؛ - – |
/» to a desk, a place or a reporter's name of at most three words («الأيام السورية؛ قسم الأخبار»,
page 004; «عين اليوم – متابعات»). A colon does not join: «صحيفة: حفتر زار دمشق» is a headline.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from naql import outlets
from naql.outlets import Gazetteer, Outlet
from naql.text import normalize

# Kinds whose name on a line is a credit (the copy came from them), never the page's own outlet.
CREDIT_KINDS = frozenset({"agency", "photo"})
_SEPARATORS = re.compile(r"\s*[;|/\-]\s*")  # keys are normalised: «؛» is «;», «–» is «-»
# Word tokens (letters and digits) of an already normalised key.
_TOKEN = re.compile(r"[^\W_]+")
# Cue words the gazetteer lets stand before a name («صحيفة الشرق الأوسط»), normalised.
_CUES = tuple(normalize(cue) + " " for cue in ("صحيفة", "جريدة", "وكالة", "قناة", "موقع"))


def _forms(key: str) -> str:
    return " ".join(_TOKEN.findall(key))


@functools.lru_cache(maxsize=4)
def gazetteer(extra: str | None = None) -> Gazetteer:
    return outlets.load(Path(extra) if extra else None)


class Bylines:
    """Byline and credit look-ups on normalised keys.

    The gazetteer's own ``lookup`` tokenises its argument with numpy (~300 µs a call); a batch
    asks about tens of thousands of short lines, so the unambiguous names («الرياض» the city is
    never a byline) are indexed here once by their word forms and a look-up is a dict access.
    """

    def __init__(self, names: Gazetteer) -> None:
        self.names = names
        self._index: dict[str, Outlet] = {}
        for outlet in names.outlets.values():
            for alias in (outlet.name, *outlet.aliases):
                if alias not in outlet.ambiguous:
                    self._index[_forms(normalize(alias))] = outlet
        self._resolved: dict[tuple[str | None, str | None], Outlet | None] = {}  # (outlet, host)

    def lookup(self, key: str) -> Outlet | None:
        """The outlet a normalised name is, optionally after a cue word («صحيفه ...»)."""
        forms = _forms(key)
        found = self._index.get(forms)
        if found is None:
            for cue in _CUES:
                if forms.startswith(cue):
                    return self._index.get(forms[len(cue) :])
        return found

    def is_outlet(self, name: str) -> bool:
        return self.lookup(name) is not None

    def outlet_of(self, key: str) -> Outlet | None:
        """The outlet a byline line names, or None if the line is not a byline."""
        parts = [part for part in _SEPARATORS.split(key) if part]
        if not parts or len(parts) > 3:
            return None
        found = None
        for part in parts:
            outlet = self.lookup(part)
            if outlet is not None and found is None:
                found = outlet
            elif len(part.split()) > 3 or any(char.isdigit() for char in part):
                return None
        return found

    def resolve(self, outlet: str | None, url: str | None) -> Outlet | None:
        """The gazetteer entry for an article's known outlet (by name, else by its URL's domain)."""
        cache = (outlet, outlets.site_of(url))
        if cache not in self._resolved:
            found = self.lookup(normalize(outlet)) if outlet else None
            if found is None and outlet:
                found = self.names.lookup(outlet)  # a domain given as the outlet, say
            if found is None and url:
                found = self.names.by_domain(url)
            self._resolved[cache] = found
        return self._resolved[cache]

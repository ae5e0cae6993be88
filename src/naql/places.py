"""Places a formula is told of: the world's countries and Saudi Arabia's regions, as the Arabic
press writes them (``data/countries.txt``, ``data/regions.txt``; a region's main towns stand for
it, so an emir's reception «في أبها» is Asir's).

What it decides (:func:`places_disagree`): whether two texts that share wording are one formula
told of two places — a congratulation cable to Burkina Faso and one to Côte d'Ivoire, an Eid
reception in Asir and one in Hail, an execution statement for al-Ahsa and one for Jazan. They
are two instances of a template, two events, never a copy of one another; the figures test
(:func:`naql.wording.figures_disagree`) catches the same when the slots are numbers.

A place counts only where the two texts differ inside their shared passage: the aligned stems
are compared, and a run replaced by another (``rapidfuzz``'s Levenshtein opcodes) that names a
place on each side, two different places of one kind, neither named anywhere in the other text,
is a slot filled twice. A place both texts name somewhere (a rewrite that says «أبها» where the
other says «منطقة عسير») is not, nor is a place one side adds to the shared wording.

Names are matched on the text's own words, normalised, after the clitics a word may carry
(«و», «ب», «ل», «ف», «ك», «ال»): stems will not do, the stemmer makes «البحرين» the sea and
«السودان» black. A demonym («المصري») is no place here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import regex
from rapidfuzz.distance import Levenshtein

from naql.text import Tokens, Vocabulary, words
from naql.text.normalize import normalize
from naql.text.tokens import document_frequency

_WORD = regex.compile(r"\p{L}+")
# Longest first: «وبالرياض» loses «وبال», not «و».
_CLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
# Words of longer names that tell no place apart, or whose stem is mostly another word's
# («خميس» Thursday, «رأس» head, «الولايات» any state, «المدينة» any city): left out of the
# stems' first look, never out of the names (normalised, as the tokenizer gives them).
_GENERIC = frozenset(
    normalize(word)
    for word in (
        "منطقة المنطقة جمهورية الجمهورية المملكة مملكة العربية المتحدة جزر الشمالية الجنوبية "
        "الجديدة الوسطى جنوب شمال الديمقراطية دار السلام سلطنة دولة الشعبية الإسلامية "
        "خميس رأس أبو وادي الحدود الولايات المدينة باب الجبل سان سانت البيضاء الأخضر"
    ).split()
)


# A change of several edit steps is read as one slot when neither side is longer than this
# (naql.slots.MAX_RUN, which says why four).
SLOT_RUN = 4


@dataclass(slots=True, frozen=True)
class Place:
    name: str  # the usual name, as the data file spells it
    kind: str  # "country" or "region"


# A place named in this share of a pile's texts, and in this many at least, tells no event
# apart (the country a pile's papers are from: «السعودية» is in 17 % of SaudiNewsNet's).
EVERYWHERE_SHARE = 0.1
EVERYWHERE_TEXTS = 20


@dataclass(slots=True)
class StemIndex:
    """Places by stems, for a first look before any word is read (stems also hold words that
    are no place: «البحرين» stems as the sea, so a stem only says where to look)."""

    mask: np.ndarray  # per stem id: a place's name, or the telling word of a longer one
    places_of: dict[int, list[int]]  # stem id -> the places whose names it stems
    everywhere: frozenset[int]  # stems of places named nearly everywhere in the pile


class Places:
    """The gazetteer: finds its places among a run of words."""

    def __init__(self, entries: Sequence[tuple[Place, Sequence[str]]]) -> None:
        self.places = [place for place, _ in entries]
        self._names = [list(names) for _, names in entries]
        self._patterns: dict[int, regex.Pattern[str]] = {}
        # A name's first word (clitic-free) -> (its other words, place number), longest first.
        self._first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for number, (_, names) in enumerate(entries):
            for name in names:
                words = _WORD.findall(normalize(name))
                if not words:
                    continue
                self._first.setdefault(_without_article(words[0]), []).append(
                    (tuple(words[1:]), number)
                )
        for found in self._first.values():
            found.sort(key=lambda item: -len(item[0]))

    def spans(self, words: Sequence[str]) -> list[tuple[int, int, int]]:
        """(first word, end, place number) of every place named in ``words`` (normalised)."""
        found = []
        for start, word in enumerate(words):
            for head in _heads(word):
                for rest, number in self._first.get(head, ()):
                    end = start + 1 + len(rest)
                    if tuple(words[start + 1 : end]) == rest:
                        found.append((start, end, number))
                        break
                else:
                    continue
                break
        return found

    def stem_index(self, tokens: Sequence[Tokens], vocabulary: Vocabulary) -> StemIndex:
        """The places' stems in ``vocabulary``, for a pile of ``tokens`` (see
        :class:`StemIndex`)."""
        stems: dict[int, list[int]] = {}
        for number, names in enumerate(self._names):
            forms = [form for name in names for form in words(name).forms if form not in _GENERIC]
            for stem in vocabulary.stem_ids_of(forms).tolist():
                if stem >= 0 and number not in stems.setdefault(stem, []):
                    stems[stem].append(number)
        mask = np.zeros(len(vocabulary), dtype=bool)
        mask[list(stems)] = True
        # Texts naming each place stem, its tokens alone sorted (the pile's document
        # frequencies are not at hand here).
        counts = document_frequency(tokens, len(vocabulary), only=mask)
        least = max(EVERYWHERE_TEXTS, EVERYWHERE_SHARE * len(tokens))
        return StemIndex(mask, stems, frozenset(np.flatnonzero(counts >= least).tolist()))

    def named_in(self, text: str, number: int) -> bool:
        """Whether ``text`` (normalised) names place ``number`` anywhere, by one search of its
        names (a scan of every word for every place cost 0.7 ms a text)."""
        pattern = self._patterns.get(number)
        if pattern is None:
            cores = sorted(
                {_core(name) for name in self._names[number] if _core(name)}, key=len, reverse=True
            )
            pattern = self._patterns[number] = regex.compile(
                r"(?<!\p{L})(?:[وفبلك]{0,2}(?:ال|ل)?)(?:"
                + "|".join(r"\s+".join(map(regex.escape, core.split())) for core in cores)
                + r")(?!\p{L})"
            )
        return pattern.search(text) is not None


def _without_article(word: str) -> str:
    """A name's first word without «ال» (kept on a short one: «الهند» becomes «هند», no less)."""
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _core(name: str) -> str:
    """A name normalised, its words one blank apart, without its leading article."""
    found = _WORD.findall(normalize(name))
    return " ".join([_without_article(found[0]), *found[1:]]) if found else ""


def _heads(word: str) -> list[str]:
    """The word, and the word without each clitic prefix it may carry (3 letters left at least)."""
    found = [word]
    for prefix in _CLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            found.append(word[len(prefix) :])
    return found


@functools.cache
def gazetteer() -> Places:
    """naql's own places: the countries and the Saudi regions with their towns."""
    entries: list[tuple[Place, Sequence[str]]] = []
    data = resources.files("naql").joinpath("data")
    for line in _lines(data.joinpath("countries.txt").read_text(encoding="utf-8")):
        names = [name.strip() for name in line.split("|") if name.strip()]
        entries.append((Place(names[0], "country"), names))
    for line in _lines(data.joinpath("regions.txt").read_text(encoding="utf-8")):
        region, _, towns = line.partition(">")
        names = [name.strip() for name in region.split("|") if name.strip()]
        entries.append(
            (Place(names[0], "region"), names + [t.strip() for t in towns.split("|") if t.strip()])
        )
    return Places(entries)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def places_disagree(
    text_a: str,
    text_b: str,
    a: Tokens,
    b: Tokens,
    ranges: Sequence[tuple[int, int, int, int]],
    places: Places | None = None,
    index: StemIndex | None = None,
    whole: tuple[set[int], set[int]] | None = None,
) -> tuple[str, str] | None:
    """(A's place, B's place) when the shared wording (``ranges``: each passage's first and
    last token in A, then in B) names two different places of one kind in one slot, neither
    named anywhere in the other text (see the module doc); None otherwise.

    Two texts that both name a third place, one the pile does not name nearly everywhere, are
    one event seen from two places (Morocco's and Bahrain's condolences for a bombing in Asir,
    two regions' emirs condemning it): not a template. That asks for ``index``
    (:meth:`Places.stem_index`), which also lets go, before any word is read, the pairs and
    slots where by stems no side names a place the other text lacks (most pairs: a copy keeps
    its source's places); ``whole`` holds each text's place stems when the caller keeps them."""
    places = places or gazetteer()
    own: tuple[set[int], set[int]] | None = None
    if index is not None:
        if whole is None:
            whole = place_stems(a, index.mask), place_stems(b, index.mask)
        own = _own_place_stems(a, b, ranges, index.mask, whole)
        if own is None:
            return None
    normalised: dict[int, str] = {}  # 0: A, 1: B (read when needed)

    def names(side: int, number: int) -> bool:
        if side not in normalised:
            normalised[side] = normalize(text_a if side == 0 else text_b)
        return places.named_in(normalised[side], number)

    for i0, i1, j0, j1 in ranges:
        if own is not None and not _on_both(own, a.ids[i0 : i1 + 1], b.ids[j0 : j1 + 1]):
            continue
        for (a0, a1), (b0, b1) in _slots(a.ids[i0 : i1 + 1], b.ids[j0 : j1 + 1]):
            low_a, high_a = i0 + a0, i0 + a1
            low_b, high_b = j0 + b0, j0 + b1
            if own is not None and not _on_both(
                own, a.ids[max(i0, low_a - 2) : high_a + 2], b.ids[max(j0, low_b - 2) : high_b + 2]
            ):
                continue
            in_a = _slot(places, text_a, a, low_a, high_a)
            if not in_a:
                continue
            in_b = _slot(places, text_b, b, low_b, high_b)
            for first in in_a:
                for second in in_b:
                    if (
                        first != second
                        and places.places[first].kind == places.places[second].kind
                        and not names(1, first)
                        and not names(0, second)
                    ):
                        if index is not None and whole is not None:
                            for stem in (whole[0] & whole[1]) - index.everywhere:
                                for third in index.places_of[stem]:
                                    if (
                                        third not in (first, second)
                                        and names(0, third)
                                        and names(1, third)
                                    ):
                                        return None
                        return places.places[first].name, places.places[second].name
    return None


def _slots(left: np.ndarray, right: np.ndarray) -> list[Run]:
    """Where the two sides may fill one slot differently: each run replaced by another, and
    each short change made of several steps. Levenshtein's steps are one of many equally short
    edits: «جمهورية كولومبيا» against «جمهورية مصر العربية» comes out as «مصر» inserted and
    «كولومبيا» replaced by «العربية», the country on neither side of the replace."""
    found: list[Run] = []
    for block, steps in changed_runs(left, right):
        found.extend(step for step in steps if step != block)
        (a0, a1), (b0, b1) = block
        if block in steps or (0 < a1 - a0 <= SLOT_RUN and 0 < b1 - b0 <= SLOT_RUN):
            found.append(block)
    return found


def _joined(doc: Tokens, ranges: list[tuple[int, int]]) -> np.ndarray:
    if len(ranges) == 1:  # most pairs: one passage, a view
        return doc.ids[ranges[0][0] : ranges[0][1] + 1]
    return np.concatenate([doc.ids[start : end + 1] for start, end in ranges])


def _on_both(own: tuple[set[int], set[int]], in_a: np.ndarray, in_b: np.ndarray) -> bool:
    """Whether each side's run holds one of its own place stems (:func:`_own_place_stems`)."""
    return not own[0].isdisjoint(in_a.tolist()) and not own[1].isdisjoint(in_b.tolist())


def place_stems(doc: Tokens, mask: np.ndarray) -> set[int]:
    """The stems of ``doc`` that ``mask`` (:attr:`StemIndex.mask`) marks."""
    return set(doc.ids[mask[doc.ids]].tolist())


def _own_place_stems(
    a: Tokens,
    b: Tokens,
    ranges: Sequence[tuple[int, int, int, int]],
    maybe: np.ndarray,
    whole: tuple[set[int], set[int]],
) -> tuple[set[int], set[int]] | None:
    """Per side, the place stems of its shared text that the other text (``whole``: each
    text's place stems) never has; None when a side has none (no slot can then hold two
    places)."""
    if whole[0] <= whole[1] or whole[1] <= whole[0]:
        return None  # one text names no place the other lacks: most copies stop here
    in_a = _joined(a, [(i0, i1) for i0, i1, _, _ in ranges])
    only_a = set(in_a[maybe[in_a]].tolist()) - whole[1]
    if not only_a:
        return None
    in_b = _joined(b, [(j0, j1) for _, _, j0, j1 in ranges])
    only_b = set(in_b[maybe[in_b]].tolist()) - whole[0]
    if not only_b:
        return None
    return only_a, only_b


def _slot(places: Places, text: str, doc: Tokens, start: int, end: int) -> set[int]:
    """Places named by the tokens ``start`` to ``end`` (a name may run two tokens past either
    edge: «كوت ديفوار» where only «ديفوار» was replaced)."""
    low, high = max(0, start - 2), min(len(doc), end + 2)
    words = [normalize(text[int(doc.starts[k]) : doc.end(k)]) for k in range(low, high)]
    return {
        number
        for first, last, number in places.spans(words)
        if first + low < end and last + low > start
    }


Run = tuple[tuple[int, int], tuple[int, int]]  # (start, end) in A, (start, end) in B


def changed_runs(left: np.ndarray, right: np.ndarray) -> list[tuple[Run, list[Run]]]:
    """The runs of each side that differ, between two stretches the sides share (the edit
    steps between two equal ones taken as one change), each with its steps. The steps are
    one of many equally short edits: «لهذا اليوم الاثنين» to «أمس الثلاثاء» may come out as a
    replace and a delete, the weekday on neither side of the replace."""
    found: list[tuple[Run, list[Run]]] = []
    steps: list[Run] = []

    def close() -> None:
        if steps:
            block = ((steps[0][0][0], steps[-1][0][1]), (steps[0][1][0], steps[-1][1][1]))
            found.append(
                (
                    block,
                    [step for step in steps if step[0][1] > step[0][0] and step[1][1] > step[1][0]],
                )
            )
            steps.clear()

    for step in Levenshtein.opcodes(left.tolist(), right.tolist()):
        if step.tag == "equal":
            close()
        else:
            steps.append(((step.src_start, step.src_end), (step.dest_start, step.dest_end)))
    close()
    return found

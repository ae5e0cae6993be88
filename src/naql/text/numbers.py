"""Compound number words read as the figures other outlets print.

SPA spells what papers print: «بالمرتبة الخامسة عشرة» against «بالمرتبة 15», «خمسة وعشرين»
against «25», «ثلاثة آلاف» against «3 آلاف». Word for word the two share nothing there, so a
re-run's passage broke at every figure and a figure looked like material one side alone had.
Here such a compound becomes one token whose form is the figure, spanning its words (offsets
kept); a unit before a scale word becomes the digit the paper prints before it, and a day's
ordinal before «من» and a month its figure («الخامس من أغسطس»). Other single number
words are left as they are: stemmed to figures they moved as many pairs one way as the other
(README), and «ست», «سبع», «خمس» are also a lady, a lion and a fifth.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np

from naql.text.normalize import normalize
from naql.text.tokens import Words

# Cardinal units; 10 only before a scale word («عشرة آلاف»), since «عشر» closes a teen.
_UNITS = {
    1: "واحد واحدة أحد إحدى",
    2: "اثنان اثنين اثنا اثني اثنتان اثنتين اثنتا اثنتي",
    3: "ثلاث ثلاثة",
    4: "أربع أربعة",
    5: "خمس خمسة",
    6: "ست ستة",
    7: "سبع سبعة",
    8: "ثمان ثماني ثمانية",
    9: "تسع تسعة",
    10: "عشر عشرة",
}
# Ordinal units, which open a compound only: «الخامسة عشرة», «الحادي والعشرين».
_ORDINALS = {
    1: "حادي حادية",
    2: "ثاني ثانية",
    3: "ثالث ثالثة",
    4: "رابع رابعة",
    5: "خامس خامسة",
    6: "سادس سادسة",
    7: "سابع سابعة",
    8: "ثامن ثامنة",
    9: "تاسع تاسعة",
}
_TEEN = "عشر عشرة"
_TENS = {
    20: "عشرون عشرين",
    30: "ثلاثون ثلاثين",
    40: "أربعون أربعين",
    50: "خمسون خمسين",
    60: "ستون ستين",
    70: "سبعون سبعين",
    80: "ثمانون ثمانين",
    90: "تسعون تسعين",
}
# The plurals a unit from three to ten counts («ثلاثة آلاف»); «ألف», «مليون» follow a compound.
_SCALES = "آلاف ملايين مليارات"
# Ordinals that name a day only before «من» and a month («الخامس من أغسطس», «العاشر من
# شهر ذي القعدة»): papers print the day's figure. The other single ordinals are in _ORDINALS.
_DAYS = {1: "الأول الأولى", 10: "العاشر العاشرة", 20: "العشرين", 30: "الثلاثين"}
_OF = "من"
_MONTHS = (
    "شهر الشهر يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر "
    "ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر ربيع جمادى رجب "
    "شعبان رمضان شوال ذي ذو"
)
# What may stand before a compound's first word: a conjunction or preposition, the article.
_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل")

# First-word codes: the unit's value, ORDINAL added for an ordinal, DAY for an ordinal that
# names a day only (_DAYS).
ORDINAL, DAY = 16, 64
# Second-word codes: TEEN; a tens word after «و» (its value); SCALE; «من» and a month word.
TEEN, SCALE, OF, MONTH = 1, 2, 3, 4


@functools.cache
def _lexicon() -> tuple[dict[str, int], dict[str, int]]:
    """Normalised form -> first-word code, and -> second-word code."""
    first: dict[str, int] = {}
    for table, extra in ((_UNITS, 0), (_ORDINALS, ORDINAL)):
        for value, spelled in table.items():
            for word in spelled.split():
                for prefix in _PREFIXES:
                    first.setdefault(normalize(prefix + word), value + extra)
    second = {normalize(word): TEEN for word in _TEEN.split()}
    for value, spelled in _TENS.items():
        for word in spelled.split():
            for prefix in ("و", "وال"):
                second[normalize(prefix + word)] = value
    for word in _SCALES.split():
        second.setdefault(normalize(word), SCALE)
    for value, spelled in _DAYS.items():
        for word in spelled.split():
            first.setdefault(normalize(word), DAY + value)
    second[normalize(_OF)] = OF
    for word in _MONTHS.split():
        second.setdefault(normalize(word), MONTH)
    return first, second


def forms() -> list[str]:
    """Every normalised form this module reads."""
    first, second = _lexicon()
    return sorted({*first, *second})


def roles(forms: Sequence[str], only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each normalised form's first-word and second-word codes (0 where it is neither);
    with ``only``, the forms at those indices alone are looked up (the rest are 0)."""
    first, second = _lexicon()
    count = len(forms)
    if only is None:
        return (
            np.fromiter(map(first.get, forms, repeat(0)), dtype=np.int16, count=count),
            np.fromiter(map(second.get, forms, repeat(0)), dtype=np.int16, count=count),
        )
    opening, closing = np.zeros(count, dtype=np.int16), np.zeros(count, dtype=np.int16)
    for k in only.tolist():
        opening[k], closing[k] = first.get(forms[k], 0), second.get(forms[k], 0)
    return opening, closing


# (first token, last token, the figure it reads as): the tokens from first to last become one.
Merge = tuple[int, int, str]


def plan(
    first: np.ndarray, second: np.ndarray, joinable: Callable[[int], bool], pick: np.ndarray
) -> list[Merge]:
    """The compounds among tokens whose forms' codes (:func:`roles`) are ``first[pick[k]]``
    and ``second[pick[k]]``, where ``joinable(k)`` says tokens k and k + 1 are neighbours (one
    text, only spaces between). A unit before a scale word, and a day's ordinal before «من»
    and a month (:func:`_days`), are "merges" of one token, read as their digit. Second words
    are rare but «من»: the tokens are looked at from them back."""
    if len(pick) < 2 or not first.any() or not second.any():
        return []
    after = np.flatnonzero(second[pick[1:]] > 0)
    opens = after[(first[pick[after]] > 0) & (first[pick[after]] < DAY)].tolist()
    found: list[Merge] = []
    taken = -1
    for k in opens:
        if k <= taken or not joinable(k):
            continue
        code, follows = int(first[pick[k]]), int(second[pick[k + 1]])
        value, ordinal = code % ORDINAL, code >= ORDINAL
        if follows == SCALE:
            if not ordinal and value >= 3:
                found.append((k, k, str(value)))
                taken = k
        elif value < 10 and (follows == TEEN or follows >= 20):
            found.append((k, k + 1, str(value + (10 if follows == TEEN else follows))))
            taken = k + 1
    return sorted(found + _days(first, second, joinable, pick))


def _days(
    first: np.ndarray, second: np.ndarray, joinable: Callable[[int], bool], pick: np.ndarray
) -> list[Merge]:
    """A single ordinal before «من» and a month word, read as the day's figure: «الخامس من
    أغسطس» as «5 من أغسطس» (compounds, «الخامس عشر من», are figures already)."""
    if len(pick) < 3:
        return []
    of = np.flatnonzero(second[pick[1:-1]] == OF)
    code = first[pick[of]]
    of = of[
        (((code > ORDINAL) & (code < 2 * ORDINAL)) | (code > DAY)) & (second[pick[of + 2]] == MONTH)
    ]
    return [
        (k, k, str(int(first[pick[k]]) % (DAY if first[pick[k]] > DAY else ORDINAL)))
        for k in of.tolist()
        if joinable(k) and joinable(k + 1)
    ]


def kept(merges: Sequence[Merge], count: int) -> np.ndarray:
    """Which of ``count`` tokens stay after ``merges`` (a compound's later words go)."""
    keep = np.ones(count, dtype=bool)
    for start, end, _ in merges:
        keep[start + 1 : end + 1] = False
    return keep


def spanned(merges: Sequence[Merge], ends: np.ndarray) -> np.ndarray:
    """Where each token ends once ``merges`` are made: a compound where its last word does."""
    heads = [start for start, end, _ in merges if end > start]
    ends = ends.copy()
    ends[heads] = ends[[end for start, end, _ in merges if end > start]]
    return ends


def spans_after(
    merges: Sequence[Merge], starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which tokens stay after ``merges`` (:func:`kept`), and their starts and ends."""
    keep = kept(merges, len(starts))
    return keep, starts[keep], spanned(merges, ends)[keep]


def spaces_only(gap: str) -> bool:
    """Two words are one compound only with nothing but spaces between them (no line break,
    no comma: «خمسة، عشرة» is a list)."""
    return not gap.strip(" \t\u00a0\u200f\u200e")


def figured_forms(forms: list[str], merges: Sequence[Merge]) -> list[str]:
    """``forms`` once ``merges`` are made: each compound its figure, its later words gone."""
    if not merges:
        return forms
    forms = list(forms)
    for start, _, figure in merges:
        forms[start] = figure
    keep = kept(merges, len(forms)).tolist()
    return [form for form, kept in zip(forms, keep) if kept]


def figures_read(found: Words, text: str) -> Words:
    """``found`` (:func:`naql.text.words` of ``text``) with each compound number word one word
    whose form is its figure, as the aligner reads the text."""
    starts, ends = found.starts, found.ends
    merges = plan(
        *roles(found.forms),
        lambda k: spaces_only(text[int(ends[k]) : int(starts[k + 1])]),
        np.arange(len(found.forms)),
    )
    if not merges:
        return found
    keep, starts, ends = spans_after(merges, starts, ends)
    return Words(figured_forms(found.forms, merges), starts, ends)


def encoded_merged(
    encode: Callable[[list[str]], tuple[np.ndarray, np.ndarray]],
    forms: list[str],
    distinct: np.ndarray,
    pick: np.ndarray,
    merges: list[Merge],
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and stopword flags of the tokens left after ``merges``, ``encode`` (a vocabulary's)
    meeting their forms (figures included) in order of first appearance, as
    :meth:`naql.text.Vocabulary.tokens` would. ``forms[r]`` first appears at token ``distinct[r]``, ``pick`` is each token's ``r``.

    Only the forms of the merged tokens can first appear later (or no more), so only theirs
    are looked for again: a sort of every token per block cost a third of tokenising."""
    count = len(pick)
    keep = kept(merges, count)
    heads = np.array([start for start, _, _ in merges], dtype=np.int64)
    plain = keep.copy()
    plain[heads] = False
    touched = np.zeros(len(forms), dtype=bool)
    touched[np.concatenate([pick[start : end + 1] for start, end, _ in merges])] = True
    first_at = distinct.astype(np.int64)
    first_at[touched] = count  # gone, unless found again below
    again = np.flatnonzero(plain & touched[pick])
    found, where = np.unique(pick[again], return_index=True)
    first_at[found] = again[where]
    figures = list(dict.fromkeys(figure for _, _, figure in merges))
    slot = {figure: len(forms) + k for k, figure in enumerate(figures)}
    head_keys = np.array([slot[figure] for _, _, figure in merges], dtype=np.int64)
    figure_at = np.full(len(figures), count, dtype=np.int64)
    np.minimum.at(figure_at, head_keys - len(forms), heads)
    first_at = np.concatenate([first_at, figure_at])
    in_order = np.argsort(first_at, kind="stable")
    in_order = in_order[first_at[in_order] < count]
    every = forms + figures
    ids, stop = encode([every[k] for k in in_order.tolist()])
    keys = pick.copy()
    keys[heads] = head_keys
    keys = keys[keep]
    where_in = np.empty(len(every), dtype=np.int64)
    where_in[in_order] = np.arange(len(in_order))
    keys = where_in[keys]
    return ids[keys], stop[keys]

"""Why two stories joined by shared text or a strong link are two: the evidence, for the reader.

Stories keep some linked pairs apart on purpose (:mod:`naql.stories`): two instances of one
formula (:mod:`naql.pairs`' templates: other figures, other places, another day's slots),
shared text that is only a formula, dated on different days (:func:`naql.stories.formula_pairs`),
and reports whose leads name days that cannot meet (:mod:`naql.stories.days`). Inside one
story a template is drawn as a template edge; across two stories nothing showed it, and a
fact-checker holding the cable to Tunisia and the one to Egypt, a word apart, saw two stories
and no reason. Each story now lists the stories it is kept apart from, one pair each (the most
strongly linked), with what tells them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from naql.pairs import Template, template_evidence
from naql.records import KeptApart
from naql.stories import story_id

# At most this many other stories per story: a daily formula (a market close, a cable) is
# kept apart from every other day's, and the nearest few say why as well as all of them.
MOST = 8

# What the formula test saw, and no more: the shared text may be a stock formula, an
# agency's background paragraph or a statement quoted again in the next day's news.
FORMULA = (
    "shared text and nothing else alike: their dates fall on different days, and each adds "
    "20 terms or more of its own, unalike (the shared part is a formula, a background "
    "paragraph or a quote told again)"
)


def kept_apart(
    members: Sequence[Sequence[int]],
    ids: Sequence[str],
    similarity: dict[tuple[int, int], float],
    templates: dict[tuple[int, int], Template],
    formula: set[tuple[int, int]],
    days: dict[int, tuple[int, ...]],
    threshold: float,
) -> list[list[KeptApart]]:
    """Per story (in ``members``' order, ids ``s1``, ``s2``, ...), the stories it is kept apart
    from and why. ``similarity`` holds the stories' links (templates' and formula pairs' are
    not among them), ``templates`` every template pair, ``formula`` the formula-only pairs,
    ``days`` each article's reported days; a pair across two stories linked at ``threshold``
    or more whose days cannot meet was kept apart by its days."""
    story_of = {k: number for number, group in enumerate(members) for k in group}
    # (story, other story) -> (strength, pair, reason): the strongest pair of each.
    best: dict[tuple[int, int], tuple[float, tuple[int, int], str]] = {}

    def offer(pair: tuple[int, int], strength: float, reason: str) -> None:
        # Pairs come in order: on a tie the first offered stays.
        a, b = pair
        if story_of[a] == story_of[b]:
            return
        for key in ((story_of[a], story_of[b]), (story_of[b], story_of[a])):
            found = best.get(key)
            if found is None or strength > found[0]:
                best[key] = (strength, pair, reason)

    for pair in sorted(templates):
        offer(pair, 1.0, "template")
    for pair in sorted(formula - set(templates)):
        offer(pair, 0.9, "formula")
    for pair, value in sorted(similarity.items()):
        a, b = pair
        if value >= threshold and a in days and b in days and not set(days[a]) & set(days[b]):
            offer(pair, value, "day")
    found: list[list[KeptApart]] = [[] for _ in members]
    for (story, other), (_, (a, b), reason) in sorted(
        best.items(), key=lambda item: (item[0][0], -item[1][0], item[0][1])
    ):
        if len(found[story]) >= MOST:
            continue
        mine, theirs = (a, b) if story_of[a] == story else (b, a)
        # Each story's list tells its own article first («... in one»: this story's).
        if reason == "template":
            detail = template_evidence(_from(templates[(a, b)], mine == a))[1]
        elif reason == "day":
            detail = _days_detail(days[mine], days[theirs])
        else:
            detail = FORMULA
        found[story].append(KeptApart(story_id(other), ids[mine], ids[theirs], reason, detail))
    return found


def _from(template: Template, first: bool) -> Template:
    """``template``'s evidence told from its second article when not ``first``: the places or
    slot words each names swapped (figures agreeing are the same from either side)."""
    if first or isinstance(template[0], int):
        return template
    if len(template) == 3:
        return (template[0], template[2], template[1])
    return (template[1], template[0])


def _days_detail(mine: tuple[int, ...], theirs: tuple[int, ...]) -> str:
    return (
        f"the leads name other days: {_named(mine)} in this story's article, "
        f"{_named(theirs)} in the other's"
    )


def _named(days: tuple[int, ...]) -> str:
    return " to ".join(date.fromordinal(day).isoformat() for day in days)

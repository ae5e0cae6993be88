"""Who an article credits: every outlet it names, and in what role.

Outlets are found with the gazetteer (:mod:`naql.outlets`); the role comes from the words
around each mention, read on the normalised tokens of its line:

- ``photo``: a picture credit: a photo agency (Getty, EPA), a mention after «مصدر الصورة»,
  «الصورة», «تصوير», "Photo", or a parenthesised / dash-attached name closing a short caption line
  («… في قصر الإليزيه (غيتي)», «… الموازية- الأناضول»).
- ``self``: the article's own outlet naming itself («مصادر لـ«الشرق الأوسط»» on aawsat.com).
- ``source``: a reporting cue before the name — حسب، بحسب، نقلا عن، وفقا لـ، ذكرت، كشفت، قالت،
  أفادت، أوردت، نشرت، نقلت، علمت، أكدت … (with صحيفة/وكالة/قناة between), «مصادر لـ«X»» (told X),
  «مصدر X», X told after a speech verb («وقال مسؤول لرويترز»), X's poll («استطلاع أجرته
  رويترز»), a dateline at the edge of its line («الرياض - واس», «واس- الرياض:», «… 2015 م واس»;
  not a name among figures mid-sentence, «سهم الشرق الأوسط لصناعة الورق تراجع 5.1 %»), a parenthesised agency
  after a sentence «(أ ف ب)», "according to X", "told X", "(AFP)", French «selon X»; or a
  reporting verb right after the name: "X reported", "the BBC said", "X quoted … as saying",
  French «l'AFP a rapporté».
- ``mention``: named without any of these (a story about an outlet is not a credit).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np

from naql.outlets import Gazetteer, Mention, site_of
from naql.outlets import load as load_gazetteer
from naql.records import Article, Attribution, Span
from naql.text import words
from naql.text.tokenize import words_of
from naql.text.tokens import Words

# Normalised forms (see naql.text.normalize) of the words that credit what follows them.
SOURCE_CUES = frozenset(
    """
    حسب بحسب وحسب نقلا نقلت ونقلت نقل ونقل نقلته وفقا وفق طبقا ذكرت وذكرت ذكر وذكر كشفت وكشفت
    كشف وكشف قالت وقالت افادت وافادت افاد اوردت واوردت اورد نشرت ونشرت نشر علمت وعلمت اكدت واكدت
    اعلنت واعلنت اضافت واضافت اوضحت واوضحت تابعت وتابعت اشارت واشارت لفتت ولفتت بثت وبثت عرضت
    مصادر مصدر المصدر تقرير تقريرها تقريره لصحيفه لوكاله لقناه لموقع عن
    وبحسب ووفقا وطبقا ابلغ وابلغ ابلغت وابلغت اجرته اجراه استطلاع مسح
    according told reported reports said says cited citing quoted selon rapporte
    """.split()
)
# Speech before «لـX» (said to X), normalised, within the cue window.
SPEECH_VERBS = frozenset(
    """
    قال وقال قالت وقالت صرح وصرح صرحت وصرحت اكد واكد اكدت واكدت اوضح واوضح اوضحت واوضحت ذكر
    وذكر كشف وكشف كشفت وكشفت اضاف واضاف اضافت واضافت تصريح تصريحات تصريحه تصريحها حديث حديثه
    حديثها مقابله بيان يقول ويقول تقول وتقول says said told
    """.split()
)
PHOTO_CUES = frozenset("الصوره صوره تصوير الصور photo photos image picture credit".split())
OUTLET_NOUNS = frozenset(
    "صحيفه جريده وكاله قناه موقع مجله اذاعه الرسميه السعوديه الاميركيه الامريكيه".split()
)
# English and French put the reporting verb AFTER its subject ("Reuters reported on Tuesday",
# "the BBC said", «l'AFP a rapporté»), where SOURCE_CUES, read before the name, never looks.
# Listed without accents: a following word is compared accent-folded (see _folded).
FOLLOWING_CUES = frozenset(
    """
    reported reports said says quoted quotes cited citing wrote writes
    rapporte indique ecrit cite precise affirme annonce
    """.split()
)
# Words that may stand between an outlet and its verb: an auxiliary («l'AFP a rapporté», "Reuters
# has reported"), an adverb ("also said"), a day ("Reuters on Tuesday reported") or what the
# outlet is ("the AFP news agency reported"). Anything else there ("a Reuters correspondent was
# injured", "Reuters journalists said") makes someone else the subject: a plain mention.
BEFORE_FOLLOWING_CUE = frozenset(
    """
    a has had have also later earlier previously first exclusively on yesterday today monday
    tuesday wednesday thursday friday saturday sunday news agency newspaper daily channel network
    broadcaster avait aussi egalement lundi mardi mercredi jeudi vendredi samedi dimanche hier
    """.split()
)
# How many words after a mention its verb may stand at, fillers included: "Reuters on Tuesday
# reported" is three; further off the verb may belong to another subject.
FOLLOWING_CUE_REACH = 3
# Between a name and its following verb only spaces, quotes or a closing bracket: in "… said the
# BBC. Reported cases rose" the verb opens another sentence.
ADJOINS = re.compile(r"[\s\"'«»“”‘’)]*")
NOT_WORD = re.compile(r"\W*")
# How far before a mention (in tokens) a cue may stand: «ونقلت وكالة الانباء السورية الرسمية (سانا)».
CUE_WINDOW = 6
CAPTION_MAX_WORDS = 25
# Words between a dateline's name and its line's edge, and between the name and its date.
DATELINE_EDGE = 3
DATE_LIKE = re.compile(
    r"\d|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر|هـ"
)


def attributions(
    articles: Sequence[Article], gazetteer: Gazetteer | None = None
) -> list[Attribution]:
    """Every outlet named in every article, with its role (see the module's docstring)."""
    gazetteer = gazetteer or load_gazetteer()
    found: list[Attribution] = []
    for article, tokens in zip(articles, words_of([article.text for article in articles])):
        found.extend(article_attributions(article, gazetteer, tokens))
    return found


def attribute(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 512,
    read_credits: Sequence[Attribution] | None = None,
) -> tuple[list[Article], list[Attribution]]:
    """Every credit of every article; an article of unknown outlet that names itself as its
    sources' recipient («مصادر … لـ«الشرق الأوسط»», :func:`outlet_from_page`) gets that outlet,
    as do the other stories split off its page, each saying so in ``meta["outlet_from"]``.
    ``progress(done, total)`` is told of the articles read. ``read_credits``: the
    articles' :func:`attributions`, when they were read elsewhere (by a backend's workers)."""
    if read_credits is None:
        read: list[Attribution] = []
        for start in range(0, len(articles), batch):
            read.extend(attributions(articles[start : start + batch], gazetteer))
            if progress is not None:
                progress(min(start + batch, len(articles)), len(articles))
        read_credits = read
    elif progress is not None:
        progress(len(articles), len(articles))
    per_article: dict[str, list[Attribution]] = {}
    for credit in read_credits:
        per_article.setdefault(credit.article, []).append(credit)
    result = list(articles)
    same_page: dict[tuple[str, str | None], list[int]] = {}
    for k, article in enumerate(articles):
        same_page.setdefault((article.id.split("#", 1)[0], article.path), []).append(k)
    for k, article in enumerate(articles):
        found = outlet_from_page(article, per_article.get(article.id, []), gazetteer)
        if found is None:
            continue
        name, why = found
        for j in same_page[(article.id.split("#", 1)[0], article.path)]:
            other = result[j]
            if j != k and other.outlet:
                continue
            reason = why if j == k else f"the same page as {article.id}: {why}"
            result[j] = dataclasses.replace(
                other, outlet=name, meta={**other.meta, "outlet_from": reason}
            )
            per_article[other.id] = article_attributions(result[j], gazetteer)
    return result, [credit for article in result for credit in per_article.get(article.id, [])]


def own_outlet_id(article: Article, gazetteer: Gazetteer) -> str | None:
    for hint in (article.outlet, article.url):
        if hint:
            outlet = gazetteer.lookup(hint)
            if outlet:
                return outlet.id
    return None


def named_outlets(articles: Sequence[Article], gazetteer: Gazetteer) -> list[Article]:
    """Each article with ``outlet_name``: the gazetteer's name for the outlet provenance takes
    it to be (:func:`own_outlet_id`), so a feed's ids («aawsat», «was») and bare URLs read as
    the names the origins and credits use («الشرق الأوسط», «واس»)."""
    names: dict[tuple[str | None, str | None], str | None] = {}
    named = []
    for article in articles:
        key = (article.outlet, site_of(article.url))
        if key not in names:
            found = own_outlet_id(article, gazetteer)
            names[key] = gazetteer.outlets[found].name if found else None
        name = names[key]
        named.append(
            article
            if name == article.outlet_name
            else dataclasses.replace(article, outlet_name=name)
        )
    return named


# «مصادر لـ«X»», «مصدر لـX»: sources told X. A page of an unknown outlet whose only credits of X
# are these names X as the recipient of its own sources: the page is X's own (seed 000 without
# its metadata). «علمت «X»» is left out: rewrites copy it with the rest of X's sentence.
TOLD_CUES = frozenset({"مصادر", "مصدر", "ل", "لل", "told"})


def outlet_from_page(
    article: Article, credits: Sequence[Attribution], gazetteer: Gazetteer
) -> tuple[str, str] | None:
    """(outlet name, why) when an article of unknown outlet names itself as the recipient of
    its sources and credits that outlet in no other way; None otherwise."""
    if own_outlet_id(article, gazetteer) is not None:
        return None
    told = {c.outlet for c in credits if c.where == "text" and c.cue in TOLD_CUES}
    otherwise = {
        c.outlet for c in credits if c.role in ("source", "photo") and c.cue not in TOLD_CUES
    }
    candidates = sorted(told - otherwise)
    if len(candidates) != 1 or candidates[0] not in gazetteer.outlets:
        return None
    outlet = gazetteer.outlets[candidates[0]]
    span = next(c.span for c in credits if c.outlet == outlet.id and c.cue in TOLD_CUES)
    line_start, line_end = _line_bounds(article.text, span.start, span.end)
    cue = " ".join(article.text[max(line_start, span.start - 40) : span.end + 2].split())
    return outlet.name, f"the page names itself as its sources' recipient: «…{cue}»"


BYLINE_FIELDS = ("author", "byline", "credit", "source_line")


def article_attributions(
    article: Article, gazetteer: Gazetteer, tokens: Words | None = None
) -> list[Attribution]:
    """Credits in the article's text and in its byline fields (``meta["author"]`` …).
    ``tokens``: ``words(article.text)``, when the caller has it."""
    own = own_outlet_id(article, gazetteer)
    found = _credits_in(article.id, article.text, gazetteer, own, "text", tokens)
    for name in BYLINE_FIELDS:
        value = article.meta.get(name)
        if isinstance(value, str) and value.strip():
            # A byline names who supplied the copy: «الرياض - واس», «عين اليوم – واس».
            for credit in _credits_in(
                article.id, value, gazetteer, own, name, _byline_words(value)
            ):
                role = credit.role if credit.role in ("self", "photo") else "source"
                found.append(
                    Attribution(
                        credit.article,
                        credit.outlet,
                        credit.name,
                        role,
                        credit.span,
                        credit.cue or "byline",
                        name,
                    )
                )
    return found


@functools.lru_cache(maxsize=4096)
def _byline_words(value: str) -> Words:
    """Bylines repeat from page to page (an outlet's desk, its writers): each is read once."""
    return words(value)


def _credits_in(
    article_id: str,
    text: str,
    gazetteer: Gazetteer,
    own: str | None,
    where: str,
    tokens: Words | None = None,
) -> list[Attribution]:
    found = tokens if tokens is not None else words(text)
    mentions = _without_overlaps(gazetteer.mentions(text, found))
    if not mentions:
        return []
    # Line number of every token, so a mention's line is a slice of the token list.
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    line_of = np.searchsorted(newlines, found.starts)
    result = []
    for mention in mentions:
        line = line_of[mention.first_token]
        line_first = int(np.searchsorted(line_of, line, side="left"))
        line_last = int(np.searchsorted(line_of, line, side="right"))
        before = found.forms[line_first : mention.first_token]
        after = found.forms[mention.last_token + 1 : line_last]
        role, cue = _role(text, mention, own, before, after)
        result.append(
            Attribution(
                article=article_id,
                outlet=mention.outlet.id,
                name=mention.outlet.name,
                role=role,
                span=Span(mention.start, mention.end),
                cue=cue,
                where=where,
            )
        )
    return result


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """«وكالة الأنباء السورية (سانا)» names one outlet twice in a row: keep one credit."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and kept[-1].outlet.id == mention.outlet.id and mention.start - kept[-1].end <= 3:
            continue
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _role(
    text: str, mention: Mention, own: str | None, before_words: list[str], after_words: list[str]
) -> tuple[str, str]:
    line_start, line_end = _line_bounds(text, mention.start, mention.end)
    line_words = len(before_words) + len(after_words) + 1
    window = before_words[-CUE_WINDOW:]
    if mention.outlet.kind == "photo":
        return "photo", "photo agency"
    photo_cue = next((w for w in window if w in PHOTO_CUES), None)
    if photo_cue:
        return "photo", photo_cue
    source_cue = (
        _source_cue(window, before_words)
        or _following_cue(text, mention, after_words)
        or _told(mention, window)
    )
    if own is not None and mention.outlet.id == own:
        # «مصادر لـ«الشرق الأوسط»» on the paper's own page: its own reporting, cue kept.
        return "self", source_cue or "own outlet"
    closes_line = not after_words or (
        len(after_words) <= 2 and not any(DATE_LIKE.search(w) for w in after_words)
    )
    attached = _attached(text, line_start, mention)
    short_line = line_words <= CAPTION_MAX_WORDS
    # A dateline opens or closes its line, a date beside the name («… 2015 م واس»): a short
    # sentence that names an outlet among figures («سهم الشرق الأوسط لصناعة الورق تراجع
    # 5.1 %») is none.
    at_edge = len(before_words) <= DATELINE_EDGE or len(after_words) <= DATELINE_EDGE
    near = before_words[-DATELINE_EDGE:] + after_words[:DATELINE_EDGE]
    dateline = short_line and at_edge and any(DATE_LIKE.search(w) for w in near)
    # A caption does not end like a sentence: «… بالعاصمة (أ ف ب).» is a report's credit.
    tail = text[mention.end : line_end]
    ends_sentence = any(mark in tail for mark in ".!?؟")
    if (
        short_line
        and closes_line
        and attached
        and not source_cue
        and not dateline
        and not ends_sentence
        and len(before_words) >= 3
    ):
        return "photo", "caption credit"
    if source_cue:
        return "source", source_cue
    if dateline or (attached and short_line):
        return "source", "dateline"
    if attached:
        return "source", "parenthesised credit"
    if (
        not before_words
        and after_words[:1]
        and text[mention.end : mention.end + 3].strip()[:1] in "-–—:"
    ):
        return "source", "dateline"
    return "mention", ""


def _told(mention: Mention, window: list[str]) -> str | None:
    """«قال مسؤول لرويترز», «صرح لوكالة الأنباء الألمانية»: a name glued to «ل» after a speech
    verb is who was told. Without the verb a glued «ل» is often another word («قص لسانا» is a
    tongue, not SANA) or another sense («مبعوث للشرق الأوسط»)."""
    if not mention.proclitic.endswith("ل"):
        return None
    return next((word for word in reversed(window) if word in SPEECH_VERBS), None)


def _source_cue(window: list[str], before: list[str]) -> str | None:
    for index in range(len(window) - 1, -1, -1):
        word = window[index]
        if word in SOURCE_CUES:
            return word
        # «d'après l'AFP»: the elision splits the cue in two words, «d» and «après».
        if index and window[index - 1] == "d" and _folded(word) == "apres":
            return "d'après"
        if (
            word not in OUTLET_NOUNS
            and word not in SOURCE_CUES
            and len(window) > 3
            and word == window[0]
        ):
            break
    # «مصادر لـ«الشرق الأوسط»», «قال لـ"رويترز"»: the name follows a detached lam.
    if before and before[-1] in ("ل", "لل"):
        return "ل"
    return None


def _following_cue(text: str, mention: Mention, after: list[str]) -> str | None:
    """The reporting verb a Latin-script name is the subject of: "Reuters reported", "the BBC
    said", «l'AFP a rapporté»; None when the name is followed by anything else."""
    gap = NOT_WORD.match(text, mention.end)
    if gap is None or not ADJOINS.fullmatch(gap.group()):
        return None
    for word in after[:FOLLOWING_CUE_REACH]:
        form = _folded(word)
        if form in FOLLOWING_CUES:
            return word
        if form not in BEFORE_FOLLOWING_CUE:
            return None
    return None


def _folded(word: str) -> str:
    """«rapporté» -> «rapporte»: text keeps its accents (composed or not), the cues are listed
    without them. Arabic words are left alone."""
    if word.isascii():
        return word
    folded = "".join(
        char for char in unicodedata.normalize("NFD", word) if not unicodedata.combining(char)
    )
    return folded if folded.isascii() else word


def _attached(text: str, line_start: int, mention: Mention) -> bool:
    """A credit set off by brackets or a dash: «(أ.ب)», «- الأناضول», «الموازية- الأناضول»."""
    before = text[max(line_start, mention.start - 3) : mention.start]
    after = text[mention.end : mention.end + 2]
    bracketed = "(" in before and ")" in after
    dashed = any(dash in before for dash in "-–—")
    return bracketed or dashed

"""HTML pages: trafilatura finds the main text, title, date, site name and canonical URL.

``Article.text`` is trafilatura's extracted text, untouched but for one addition: a lede that the
page prints just before its marked-up body and repeats as its meta description, which trafilatura
drops when the body is marked (``itemprop="articleBody"``) without it, is put back in front.
Options used: ``with_metadata=True``, ``include_comments=False`` (reader comments are not the
story), tables kept, no deduplication, and date extraction limited to the page's markup
(``extensive_search=False``, ``original_date=True``): a date guessed from the body text is more
often wrong than missing.

Checked on real Arabic news pages (tests/data/ingest/real/), three rules correct trafilatura:
- the publication date the page declares (``article:published_time``, ``datePublished`` in meta,
  JSON-LD or ``<time itemprop>``) is taken when trafilatura finds no date, or finds a day that the
  page declares as its *modified* date. It is read also when written in Arabic («الأربعاء، 07
  أكتوبر 2020», «24 نيسان / أبريل 2020»), which htmldate cannot parse. Otherwise trafilatura's
  date stands: on htmldate's own date-annotated test pages overriding it gained nothing. The
  crawl time is never a publication date (WARC dates stay in ``meta``);
- a title carrying the site's own name as prefix or suffix («… - اليوم السابع») loses it;
- the lede rule above.

A page whose extracted text is only a menu («الرئيسية», «أخبار», «رياضة»: every line at most
three words, most of them link text on the page) is not an article but a Problem: trafilatura
returns such links as the main text of a section front or an error page.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from html import unescape
from typing import Any

from naql.ingest.encoding import DecodeFailure, declared_html_charset, decode_bytes
from naql.ingest.metadata import clean_value, domain_of
from naql.ingest.text import has_text
from naql.records import Article, Problem

# trafilatura and its helpers log every unparsable page at ERROR level; with no handler configured
# Python would print those to stderr next to our one-line Problems. A NullHandler keeps them quiet
# unless the application sets up logging itself.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|!--)[\s>/]", re.IGNORECASE
)


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of an input look like an HTML page (for sniffing)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return False
    if stripped[:5].lower() == b"<?xml":
        return re.search(rb"<html[\s>]", head[:4096], re.IGNORECASE) is not None
    return _HTML_START.search(head[:4096]) is not None


def _extract(html: str, url: str | None) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": date.today().isoformat(),
        },
    )


def article_from_html(
    data: bytes | str,
    *,
    path: str,
    article_id: str,
    url: str | None = None,
    charset: str | None = None,
) -> list[Article | Problem]:
    """The article in one HTML page, or a Problem. ``url`` (e.g. WARC-Target-URI) wins over the
    page's canonical link, which is then kept in ``meta['canonical_url']``."""
    warning = None
    if isinstance(data, bytes):
        try:
            decoded = decode_bytes(data, hint=charset or declared_html_charset(data[:4096]))
        except DecodeFailure as failure:
            return [Problem(path, failure.reason)]
        html, warning = decoded.text, decoded.warning
    else:
        html = data
    if not has_text(html):
        return [Problem(path, "empty text")]
    try:
        doc = _extract(html, url)
    except ImportError as exc:
        return [Problem(path, f"cannot read HTML: trafilatura is not usable ({exc})")]
    except Exception as exc:  # noqa: BLE001 - a page that breaks the extractor is one Problem
        message = " ".join(str(exc).split())[:200]
        return [Problem(path, f"HTML extraction failed ({type(exc).__name__}: {message})")]
    if doc is None:
        return [Problem(path, "no main text in HTML page")]

    def get(key: str) -> Any:
        return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)

    text = get("text")
    if not isinstance(text, str) or not has_text(text):
        return [Problem(path, "no main text in HTML page")]
    canonical = clean_value(get("url"))
    page_url = clean_value(url) or canonical
    meta: dict[str, Any] = {}
    if canonical and canonical != page_url:
        meta["canonical_url"] = canonical
    author = clean_value(get("author"))
    if author:
        meta["author"] = author
    sitename = clean_value(get("sitename"))
    if sitename and _URL_LIKE.match(sitename):  # og:site_name="https://example.com/"
        sitename = domain_of(sitename)
    text = _with_lede(html, text, clean_value(get("description")))
    if _navigation_only(html, text):
        return [Problem(path, "no article text: only navigation/menu")]
    article = Article(
        id=article_id,
        text=text,
        outlet=sitename or domain_of(page_url),
        url=page_url,
        date=_publication_date(html, clean_value(get("date"))),
        title=_without_site_name(clean_value(get("title")), sitename),
        path=path,
        meta=meta,
    )
    out: list[Article | Problem] = [article]
    if warning:
        out.append(Problem(path, warning, skipped=False))
    return out


# Menu entries are one to three words («الرئيسية», «اتصل بنا», «من نحن»); a line of an article,
# even a one-line flash, is longer or is not a link.
_MENU_ITEM_WORDS = 3
_WORD = re.compile(r"\w+")


def _navigation_only(html: str, text: str) -> bool:
    """Whether ``text`` is nothing but a page's menu: every line at most
    :data:`_MENU_ITEM_WORDS` words, and more than half of the lines made only of words the page
    prints as link text. Short text that is not linked (a headline-only flash) stays an
    article: the rule is meant to catch menus, not to judge length."""
    lines = [_WORD.findall(line) for line in text.split("\n")]
    lines = [words for words in lines if words]
    if not lines or any(len(words) > _MENU_ITEM_WORDS for words in lines):
        return False
    linked = _link_words(html)
    menu_lines = sum(1 for words in lines if linked.issuperset(words))
    return menu_lines * 2 > len(lines)


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _link_words(html: str) -> set[str]:
    try:
        import lxml.html

        # lxml refuses a str that declares its encoding (XHTML); the text is decoded already
        root = lxml.html.fromstring(_XML_DECLARATION.sub("", html, count=1))
    except Exception:  # noqa: BLE001 - unparsable: no evidence of a menu, the page stays an article
        return set()
    words: set[str] = set()
    for anchor in root.iter("a"):
        words.update(_WORD.findall(anchor.text_content()))
    return words


# --- corrections checked on real pages (see the module docstring) ------------------------------

_URL_LIKE = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)

# Meta keys (``property``, ``name`` or ``itemprop``, lower-cased) that declare the publication
# date, best first. Modified/updated dates are deliberately absent.
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
)
_MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_TAG_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{4,80})"')
_JSONLD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{4,80})"')
_TIME_TAG = re.compile(r"<time\b[^>]*>", re.IGNORECASE)

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ـ": None})
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
# Month names as written in Egypt and the Gulf, the Levant and Iraq, and the Maghreb (alefs
# normalised). Two-word Levantine names come first so «كانون الثاني» is not read as «كانون».
_ARABIC_MONTHS = {
    "كانون الثاني": 1, "كانون الاول": 12, "تشرين الاول": 10, "تشرين الثاني": 11,
    "يناير": 1, "جانفي": 1, "شباط": 2, "فبراير": 2, "فيفري": 2, "مارس": 3, "اذار": 3,
    "ابريل": 4, "نيسان": 4, "افريل": 4, "مايو": 5, "ايار": 5, "ماي": 5, "يونيو": 6,
    "يونيه": 6, "حزيران": 6, "جوان": 6, "يوليو": 7, "يوليه": 7, "تموز": 7, "جويلية": 7,
    "يوليوز": 7, "اغسطس": 8, "اب": 8, "اوت": 8, "غشت": 8, "سبتمبر": 9, "ايلول": 9,
    "شتنبر": 9, "اكتوبر": 10, "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
}  # fmt: skip
_MONTH_NAME = "|".join(sorted(map(re.escape, _ARABIC_MONTHS), key=len, reverse=True))
_ARABIC_DAY = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*[-/]?\s*({_MONTH_NAME})(?:\s*/\s*(?:{_MONTH_NAME}))?\s*[-/,،]?\s*"
    r"(\d{4})(?!\d)"
)


def _publication_date(html: str, found: str | None) -> str | None:
    """trafilatura's date (``found``), unless the page declares its publication date and
    trafilatura found none, or found a day the page declares as its modified date."""
    published = declared_published_date(html)
    if published is None or found == published:
        return found
    if found is None or found in _declared_modified_dates(html):
        return published
    return found


def _declared_modified_dates(html: str) -> set[str]:
    days: set[str] = set()
    for tag in _META_TAG.findall(html):
        attrs = _attrs(tag)
        names = {attrs.get(key, "").strip().lower() for key in ("property", "name", "itemprop")}
        names.add(attrs.get("http-equiv", "").strip().lower())
        if names.intersection(_MODIFIED_KEYS):
            day = parse_declared_date(attrs.get("content", ""))
            if day:
                days.add(day)
    for value in _JSONLD_MODIFIED.findall(html):
        day = parse_declared_date(value)
        if day:
            days.add(day)
    return days


def declared_published_date(html: str) -> str | None:
    """The publication date (``YYYY-MM-DD``) the page itself declares, or None.

    Read from meta tags (:data:`_PUBLISHED_KEYS`, best first), then JSON-LD ``datePublished``,
    then ``<time itemprop="datePublished">``. The calendar day is the one written (no time-zone
    conversion). A value that is not a date, is before 1990 or after today is passed over."""
    best: tuple[int, str] | None = None
    for tag in _META_TAG.findall(html):
        attrs = _attrs(tag)
        content = attrs.get("content")
        if not content:
            continue
        for key in ("property", "name", "itemprop"):
            name = attrs.get(key, "").strip().lower()
            if name in _PUBLISHED_KEYS:
                rank = _PUBLISHED_KEYS.index(name)
                if best is not None and best[0] <= rank:
                    break
                day = parse_declared_date(content)
                if day:
                    best = (rank, day)
                break
    if best is not None:
        return best[1]
    for value in _JSONLD_PUBLISHED.findall(html):
        day = parse_declared_date(value)
        if day:
            return day
    for tag in _TIME_TAG.findall(html):
        attrs = _attrs(tag)
        if attrs.get("itemprop", "").strip().lower() == "datepublished":
            day = parse_declared_date(attrs.get("datetime", ""))
            if day:
                return day
    return None


def parse_declared_date(value: str) -> str | None:
    """``YYYY-MM-DD`` from an ISO-like date or an Arabic one («07 أكتوبر 2020», «24 نيسان / أبريل
    2020», Arabic-Indic digits too); None if there is no plausible date in ``value``."""
    text = unescape(value).translate(_DIGITS)
    match = _ISO_DAY.search(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _valid_day(year, month, day)
    match = _ARABIC_DAY.search(text.translate(_ALEFS))
    if match:
        return _valid_day(int(match[3]), _ARABIC_MONTHS[match[2]], int(match[1]))
    return None


def _valid_day(year: int, month: int, day: int) -> str | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found.year < 1990 or found > date.today():
        return None
    return found.isoformat()


def _attrs(tag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, double, single, bare in _TAG_ATTR.findall(tag):
        attrs.setdefault(name.lower(), unescape(double or single or bare))
    return attrs


# a separator between headline and site name: « - », « | », « – », « : », « » »… (spaced, but
# a pipe may be written tight)
_SEPARATOR_AT_END = re.compile(r"(?:\s[-–—:·•»]|\|)\s*$")
_SEPARATOR_AT_START = re.compile(r"^\s*(?:[-–—:·•»]\s|\|)")


def _without_site_name(title: str | None, sitename: str | None) -> str | None:
    """``title`` without the site's own name as a suffix or prefix («… - اليوم السابع»)."""
    if not title or not sitename:
        return title
    site = " ".join(sitename.split())
    flat = " ".join(title.split())
    rest = None
    if flat.endswith(site) and (match := _SEPARATOR_AT_END.search(flat[: -len(site)])):
        rest = flat[: match.start()]
    elif flat.startswith(site) and (match := _SEPARATOR_AT_START.match(flat[len(site) :])):
        rest = flat[len(site) + match.end() :]
    if rest is not None and has_text(rest):
        return rest.strip()
    return title


_LEDE_MIN_WORDS = 8  # shorter descriptions are slogans or teasers, not ledes
_LEDE_MAX_GAP = 200  # characters of page text allowed between the lede and the body
_NOT_TEXT = ("script", "style", "noscript", "template", "head")
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "h1"})


def _with_lede(html: str, text: str, description: str | None) -> str:
    """``text`` with the page's lede put back in front when trafilatura left it out.

    The lede is recognised without any site-specific markup: a block of the page whose text is
    the page's meta description (which may be cut short), at least eight words long, not in
    navigation, footer, aside or the headline, and printed right before the first extracted
    paragraph (at most :data:`_LEDE_MAX_GAP` characters of page text between them)."""
    if not description:
        return text
    desc = " ".join(description.split()).rstrip(".…").rstrip()
    flat = " ".join(text.split())
    if len(desc.split()) < _LEDE_MIN_WORDS or desc[:40] in flat:
        return text
    head_end = html.find("</head")
    if html.find(desc[:20], max(head_end, 0)) < 0:  # not printed in the body: no parse needed
        return text
    try:
        import lxml.html

        root = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparsable page keeps trafilatura's text
        return text
    for element in list(root.iter(*_NOT_TEXT)):
        if element.getparent() is not None:
            element.drop_tree()
    page = " ".join(root.text_content().split())
    probe = desc[:40]
    if probe not in page:
        return text
    # down to the innermost element holding the start of the description, then up to the one
    # holding all of it
    node = root
    while True:
        inner = next((c for c in node if isinstance(c.tag, str) and probe in _flat(c)), None)
        if inner is None:
            break
        node = inner
    while node is not None and not _flat(node).startswith(desc):
        node = node.getparent()
    if node is None or len(_flat(node)) > len(desc) + 300:
        return text
    if node.tag in _CHROME_TAGS or next(node.iterancestors(*_CHROME_TAGS), None) is not None:
        return text
    lede = _flat(node)
    if lede[:40] in flat:
        return text
    start = page.find(lede)
    first = " ".join(text.strip().split("\n", 1)[0].split())[:40]
    body = page.find(first, start + len(lede)) if start >= 0 and first else -1
    if body < 0 or body - (start + len(lede)) > _LEDE_MAX_GAP:
        return text
    return f"{lede}\n{text}"


def _flat(element: Any) -> str:
    return " ".join(element.text_content().split())

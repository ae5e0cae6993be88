"""The built-in list of web chrome, and the shape of captions and editor-name lines.

Every pattern is matched against a line's key (normalised, blanks collapsed) and must cover the
WHOLE line, give or take punctuation and bullets at either end: «اقرأ أيضا» alone is chrome, a
sentence that happens to contain it is not. Patterns are written in ordinary spelling and folded
with the same normalisation as the keys (so «الإلكتروني» also matches «الالكتروني»).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from naql.text import normalize


def fold(pattern: str) -> str:
    """A pattern in ordinary spelling as it must look to match keys: non-ASCII characters are
    normalised one by one (ASCII is regex syntax and is left alone; matching ignores case)."""
    return "".join(normalize(char) if ord(char) > 127 else char for char in pattern)


SECTIONS = (
    # Section and menu names printed above a story («سياسة عربية» on page 001, «عرب وعالم» on 002).
    "سياسة عربية",
    "عرب وعالم",
    "عربي ودولي",
    "عربية ودولية",
    "عربي وعالمي",
    "عربي",
    "دولي",
    "أخبار عربية",
    "أخبار دولية",
    "أخبار محلية",
    "أخبار العالم",
    "شؤون عربية",
    "شؤون دولية",
    "محليات",
    "محلي",
    "سياسة",
    "اقتصاد",
    "رياضة",
    "ثقافة",
    "ثقافة وفنون",
    "فن",
    "فنون",
    "منوعات",
    "تكنولوجيا",
    "تقنية",
    "علوم",
    "صحة",
    "مقالات",
    "مقالات الرأي",
    "آراء",
    "رأي",
    "حوادث",
    "تقارير",
    "ملفات",
    "تحقيقات",
    "الرئيسية",
    "أخبار",
    "الأخبار",
    "آخر الأخبار",
    "الأكثر قراءة",
    "home",
    "news",
    "latest news",
    "world",
    "politics",
    "business",
    "economy",
    "sport",
    "sports",
    "opinion",
    "culture",
    "technology",
    "health",
    "most read",
)
SHARE_WORDS = (
    # Share buttons and their networks, as a row of link texts.
    "شارك",
    "شاركها",
    "مشاركة",
    "انشر",
    "أرسل",
    "طباعة",
    "تويتر",
    "فيسبوك",
    "فيس بوك",
    "واتساب",
    "واتس اب",
    "تلغرام",
    "تيليجرام",
    "لينكدإن",
    "لينكد إن",
    "ماسنجر",
    "بريد إلكتروني",
    "نسخ الرابط",
    "share",
    "tweet",
    "print",
    "email",
    "e-mail",
    "facebook",
    "twitter",
    "whatsapp",
    "telegram",
    "linkedin",
    "pinterest",
    "messenger",
    "reddit",
    "copy link",
    "x",
)


def _alternatives(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


# The reason of a lone number: the one built-in reason that depends on where the line stands.
COUNTER = "counter"

_SECTION = f"(?:{_alternatives(SECTIONS)})"
_SHARE = f"(?:{_alternatives(SHARE_WORDS)})"

# (reason, pattern in ordinary spelling): each line says what the chrome is.
BUILTIN: tuple[tuple[str, str], ...] = (
    # The heading of a comment form («اترك رد» closes page 003 and 004), and counters of comments.
    (
        "comment box",
        (
            r"اترك (?:ردا?|تعليقا?)|أضف تعليق(?:ا|ك)?|(?:ال)?تعليقات|لا توجد تعليقات|"
            r"leave a (?:reply|comment)|(?:\d+ )?comments?|no comments(?: yet)?"
        ),
    ),
    # The form's privacy notice: «لن يتم نشر عنوان بريدك الإلكتروني.» (WordPress, Arabic and English).
    (
        "comment box",
        (
            r"لن يتم نشر عنوان بريدك الإلكتروني(?:\W+الحقول الإلزامية مشار إليها ب\W*)?|"
            r"your email address will not be published(?:\W+required fields are marked\W*)?"
        ),
    ),
    # A link to another story: «اقرأ أيضا: …» (page 001), «شاهد أيضا», «قد يهمك», "Read also: …".
    # The linked headline must follow a colon, dash or the like: «اقرأ أيضا ما كتبه…» is a sentence.
    (
        "read also",
        (
            r"(?:اقرأ|إقرأ|شاهد|طالع) (?:أيضا|أيضاً|كذلك)(?:\s*[:|»>.\-]+.*)?|"
            r"قد يهمك(?: أيضا)?(?:\s*[:|»>.\-]+.*)?|"
            r"(?:مواضيع|أخبار|مقالات) ذات صلة|ذات صلة|(?:read|see) also(?:\s*[:|»>.\-]+.*)?|"
            r"related(?: articles| stories| posts| news)?"
        ),
    ),
    # The teaser's cut: «المزيد....» (page 000), «اقرأ المزيد», "Read more", «التفاصيل».
    (
        "read more",
        (
            r"(?:اقرأ |لقراءة )?المزيد|للمزيد|اقرأ التفاصيل|التفاصيل|تابع القراءة|"
            r"(?:read|see|view) more|continue reading|more"
        ),
    ),
    # The masthead's editor line: «رئيس التحرير» alone (page 002; the name on the next line goes
    # too) or «رئيس التحرير: فلان». Without the colon a name after it may be a photo caption.
    (
        "editor",
        (
            r"(?:رئيس التحرير|رئيس مجلس الإدارة|مدير التحرير|editor[- ]in[- ]chief|managing editor)"
            r"(?:\s*:\s*\w+(?:\s\w+){0,3})?"
        ),
    ),
    # A "breaking" banner: «عاجل» (page 002), «خبر عاجل», "Breaking news".
    ("breaking", r"عاجل|خبر عاجل|أخبار عاجلة|breaking(?: news)?|urgent"),
    # A section name or a breadcrumb of them: «عرب وعالم», «الرئيسية » سياسة».
    ("section", rf"{_SECTION}(?:\W+{_SECTION})*"),
    # Asharq Al-Awsat's font-size toggle, printed «TT» under each photo (page 000).
    ("font-size button", r"tt|a\W*a|a\+\W*a-|a-\W*a\+"),
    # A lone number: a share or comment counter («0» under the photo on page 003). Only in a page's
    # head or tail: inside the body the same shape numbers a story's parts (see naql.clean).
    (COUNTER, r"\d{1,3}"),
    # Share buttons: «شارك», «فيسبوك تويتر واتساب», "Share on Facebook".
    ("share buttons", rf"{_SHARE}(?:\W+(?:(?:على|عبر|on|via)\W+)?{_SHARE})*"),
    # Copyright and rights lines of the footer.
    (
        "copyright",
        (
            r".{0,60}(?:جميع الحقوق محفوظة|حقوق النشر محفوظة|الحقوق محفوظة|all rights reserved|"
            r"©|copyright).{0,60}"
        ),
    ),
    # Follow-us, newsletter and app prompts.
    (
        "follow us",
        (
            r"(?:تابعونا|تابعنا|تابعوا) (?:على|عبر|في).{0,60}|follow us.{0,60}|"
            r"(?:اشترك|سجل) في (?:النشرة|نشرتنا).{0,60}|subscribe.{0,60}"
        ),
    ),
    # Tag lists: «الوسوم: …», "Tags: …".
    (
        "tags",
        (
            r"(?:الوسوم|الكلمات المفتاحية|كلمات مفتاحية|كلمات دلالية|tags|keywords)\W.{0,200}|"
            r"(?:الوسوم|الكلمات المفتاحية|tags)"
        ),
    ),
    # Pager and navigation links.
    (
        "navigation",
        (
            r"(?:التالي|السابق|next|previous|prev|back to top|العودة للأعلى|"
            r"إلى الأعلى|الصفحة الرئيسية)(?:\W+(?:التالي|السابق|next|previous|prev))*"
        ),
    ),
)

# A whole line: the pattern with any punctuation, bullets or symbols around it.
_EDGE = r"[\W_]*"


@functools.lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    groups, reasons = [], {}
    for index, (reason, pattern) in enumerate(BUILTIN):
        name = f"r{index}"
        groups.append(f"(?P<{name}>{fold(pattern)})")
        reasons[name] = reason
    # The standard library's engine: on these alternations of literals it is 2.4 times faster
    # than `regex` (3.6 vs 8.5 µs a line on SaudiNewsNet's short lines).
    compiled = re.compile(f"{_EDGE}(?:{'|'.join(groups)}){_EDGE}", re.IGNORECASE)
    return compiled, reasons


def builtin_reason(key: str) -> str | None:
    """The built-in chrome a line's key is, if any (whole-line match)."""
    pattern, reasons = _matcher()
    found = pattern.fullmatch(key)
    return reasons[found.lastgroup] if found else None  # type: ignore[index]


# An editor title alone on its line; the name follows on the next one («رئيس التحرير» / «شيماء جلال»).
_TITLE_ALONE = re.compile(
    _EDGE
    + fold(r"(?:رئيس التحرير|رئيس مجلس الإدارة|مدير التحرير|editor[- ]in[- ]chief|managing editor)")
    + _EDGE,
    re.IGNORECASE,
)
# A person's name: one to four words of letters, nothing else.
_NAME = re.compile(r"[^\W\d_]+(?:[ .'-][^\W\d_]+){0,3}")


def is_title_alone(key: str) -> bool:
    return _TITLE_ALONE.fullmatch(key) is not None


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def has_digit(key: str) -> bool:
    return _DIGIT.search(key) is not None


def has_letters(key: str) -> bool:
    """Whether a line holds a word at all («***», «>», «.» do not)."""
    return _LETTER.search(key) is not None


def looks_like_name(key: str) -> bool:
    return len(key) <= 40 and _NAME.fullmatch(key) is not None


# Captions: a short line ending in a photo credit, «… (غيتي)», «… (أ.ب)», «… - الأناضول», or
# naming its source, «مصدر الصورة :…». The credit must be a known outlet or a photo word, so that a
# headline ending in «(فيديو)» is not a caption.
PHOTO_WORDS = frozenset(
    normalize(word)
    for word in (
        "أرشيفية",
        "أرشيف",
        "صورة أرشيفية",
        "صورة",
        "وكالات",
        "خاص",
        "إنترنت",
        "الإنترنت",
        "مواقع التواصل",
        "مواقع التواصل الاجتماعي",
        "تواصل اجتماعي",
        "archive",
        "file photo",
        "file",
        "getty images",
        "getty",
        "afp",
        "reuters",
        "ap",
        "epa",
    )
)
_PAREN_CREDIT = re.compile(r"\(([^()]{1,40})\)\W*$")
_DASH_CREDIT = re.compile(r"-\s*([^-]{2,40}?)\W*$")
_PHOTO_CUE = re.compile(
    fold(
        r"مصدر الصورة|الصورة\s*:|صورة\s*:|تصوير\s*:|photo\s*:|photo credit|"
        r"image\s*:|credit\s*:|getty images"
    ),
    re.IGNORECASE,
)


# Substrings every photo cue contains: a cheap test before the pattern.
_PHOTO_CUE_WORDS = (fold("صورة"), fold("تصوير"), "photo", "image", "credit", "getty")


def caption_credit(key: str, is_outlet: Callable[[str], bool]) -> bool:
    """Whether a (short) line's key ends in a photo credit or names the photo's source."""
    if any(cue in key for cue in _PHOTO_CUE_WORDS) and _PHOTO_CUE.search(key):
        return True
    tail = key.rstrip(" .")
    for pattern in (
        _PAREN_CREDIT if tail.endswith(")") else None,
        _DASH_CREDIT if "-" in key else None,
    ):
        found = pattern.search(key) if pattern is not None else None
        if found:
            credit = found.group(1).strip()
            if credit and len(credit.split()) <= 4 and (credit in PHOTO_WORDS or is_outlet(credit)):
                return True
    return False

"""Arabic: orthographic normalisation, stopwords, light stemming.

The normalisation is the usual one for Arabic information retrieval (as in Larkey et al.'s light
stemmers and CAMeL Tools' ``normalize_*`` helpers), chosen so that two outlets' spellings of the
same word meet: diacritics and tatweel go, hamza-carrying alef forms become bare alef, alef
maqsura becomes yaa, taa marbuta becomes haa, Arabic-Indic digits become ASCII digits and Arabic
punctuation becomes its ASCII twin.
"""

from __future__ import annotations

import numpy as np

# Harakat, Quranic annotation marks, superscript alef, honorific signs: pronunciation hints that
# writers add or omit at will («توقّع» / «توقع»), so they never decide a match.
DIACRITICS = (
    list(range(0x0610, 0x061B))
    + list(range(0x064B, 0x0660))
    + [0x0670]
    + list(range(0x06D6, 0x06DD))
    + list(range(0x06DF, 0x06E5))
    + list(range(0x06E7, 0x06E9))
    + list(range(0x06EA, 0x06EE))
    + list(range(0x08D3, 0x0900))
)
# Tatweel stretches a word for typography only; the format controls (ALM, ZWNJ, ZWJ, marks of
# direction, BOM) are invisible and come and go with copy-and-paste.
INVISIBLE = [
    0x0640,
    0x061C,
    0x200B,
    0x200C,
    0x200D,
    0x200E,
    0x200F,
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
    0xFEFF,
    0x00AD,
]

LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ة": "ه",
    "ۃ": "ه",
    # Hamza on a seat is spelled «مسئول» by some and «مسؤول» by others: one bare hamza for both.
    "ؤ": "ء",
    "ئ": "ء",
    "ک": "ك",
    "ڪ": "ك",
    "ھ": "ه",
    "ہ": "ه",
    "ۀ": "ه",
}
PUNCTUATION = {
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",
    "٬": ",",
    "۔": ".",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "〝": '"',
    "〞": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "…": ".",
}


def fill_tables(mapping: np.ndarray, expansions: dict[int, str]) -> None:
    """Write the Arabic rules into the shared lookup table (see :mod:`naql.text.chars`)."""
    import unicodedata

    for code in DIACRITICS + INVISIBLE:
        mapping[code] = 0
    for table in (LETTERS, PUNCTUATION):
        for source, target in table.items():
            mapping[ord(source)] = ord(target)
    for base in (0x0660, 0x06F0, 0x07C0):  # Arabic-Indic, Eastern Arabic-Indic, NKo digits
        for digit in range(10):
            mapping[base + digit] = ord("0") + digit
    # Presentation forms (old PDFs, some CMSs) fold to the letters they draw.
    for code in list(range(0xFB50, 0xFDFE)) + list(range(0xFE70, 0xFEFF)):
        folded = unicodedata.normalize("NFKC", chr(code))
        folded = "".join(LETTERS.get(ch, ch) for ch in folded if ord(ch) not in _DELETED)
        if len(folded) == 1:
            mapping[code] = ord(folded)
        elif folded:
            expansions[code] = folded


_DELETED = frozenset(DIACRITICS + INVISIBLE)

# Function words that carry no story: particles, prepositions, pronouns, auxiliaries and the
# reporting verbs every wire story repeats. Written as in print; normalised on load.
_STOPWORDS = """
في من على الى إلى عن مع ان أن إن او أو و ثم بل لا لم لن ما ماذا متى اين أين كيف هل قد لقد
هذا هذه ذلك تلك هؤلاء اولئك أولئك الذي التي الذين اللذين اللتين اللواتي اللاتي هو هي هم هن
هما انا أنا نحن انت أنت انتم أنتم كان كانت كانوا يكون تكون يكونون ليس ليست كل بعض غير سوى
عند عندما حين حيث بين بعد قبل منذ خلال حتى لدى لدي الا إلا اذا إذا لو لكن لكنه لكنها ولكن
كما كذلك ايضا أيضا فقط به بها بهم له لها لهم منه منها منهم عليه عليها عليهم فيه فيها فيهم
الى اليه إليه اليها إليها عنه عنها وقد وفي ومن وعلى والى وإلى وعن ومع وان وأن وإن وهو وهي
فى ذات اي أي اية أية يا التى الذى اما أما إما لما مما ممن فيما بما كيفما دون نحو لدى
قال قالت وقال وقالت اضاف أضاف اضافت أضافت واضاف وأضاف واضافت وأضافت اكد أكد اكدت أكدت
واكد وأكد اوضح أوضح اوضحت أوضحت واوضح وأوضح يذكر يشار تم وتم يتم عام العام اليوم امس أمس
"""
STOPWORDS_RAW = frozenset(_STOPWORDS.split())


# Arabic letters, presentation forms included (a set: the tokeniser asks it of every form).
LETTER_SET = frozenset(
    chr(code)
    for low, high in ((0x0620, 0x064A), (0x0671, 0x06D3), (0xFB50, 0xFEFC))
    for code in range(low, high + 1)
)


def is_arabic_letter(char: str) -> bool:
    return char in LETTER_SET

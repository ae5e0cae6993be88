"""Latin-script (and other cased) text: casefolding, stopwords, the Snowball stemmer per language."""

from __future__ import annotations

import numpy as np

# Snowball stemmers PyStemmer ships, by ISO 639-1 code, for ``--language``.
SNOWBALL = {
    "ar": "arabic",
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "tr": "turkish",
    "ru": "russian",
    "fa": "persian",
    "id": "indonesian",
    "sv": "swedish",
    "da": "danish",
    "no": "norwegian",
    "fi": "finnish",
    "hu": "hungarian",
    "ro": "romanian",
    "el": "greek",
    "ca": "catalan",
}

STOPWORDS_RAW = frozenset(
    """
    a an the and or but nor of to in on at by for from with without into onto over under about
    as is are was were be been being am do does did has have had having it its it's this that
    these those there here he she they we you i me him her them us my your his our their who whom
    which what when where why how not no so than too very can could will would shall should may
    might must also just said says say told according after before while during since until
    le la les un une des du de d l et ou mais donc or ni car dans en sur sous par pour avec sans
    au aux ce cet cette ces il elle ils elles on nous vous je tu se sa son ses leur leurs qui que
    quoi dont où est sont était été être avoir a ont avait ne pas plus selon a-t-il a-t-elle
    """.split()
)


def fill_tables(mapping: np.ndarray, expansions: dict[int, str]) -> None:
    """Lower-case every cased BMP letter whose lower case is a single character.

    ``str.lower`` is applied per code point here, once, so the per-document work is a lookup.
    The handful of letters whose lower case is longer («İ» -> «i̇») get their first character:
    the dot above changes no match.
    """
    for code in range(0x41, 0x10000):
        char = chr(code)
        lower = char.lower()
        if lower != char and lower:
            mapping[code] = ord(lower[0])

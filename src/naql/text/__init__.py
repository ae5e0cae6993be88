"""Text: normalisation, tokenisation with original offsets, stemming and stopwords."""

from naql.text.normalize import normalize, normalize_with_offsets
from naql.text.numbers import figures_read
from naql.text.tokenize import Vocabulary, words
from naql.text.tokens import Tokens, Words

__all__ = [
    "Tokens",
    "Vocabulary",
    "Words",
    "figures_read",
    "normalize",
    "normalize_with_offsets",
    "words",
]

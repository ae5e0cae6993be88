"""Text: normalisation, tokenisation with original offsets, stemming and stopwords."""

from naql.text.normalize import normalize, normalize_with_offsets
from naql.text.tokenize import Vocabulary, Words, figures_read, words
from naql.text.tokens import Tokens

__all__ = [
    "Tokens",
    "Vocabulary",
    "Words",
    "figures_read",
    "normalize",
    "normalize_with_offsets",
    "words",
]

"""Text: normalisation, tokenisation with original offsets, stemming and stopwords."""

from naql.text.normalize import normalize, normalize_with_offsets
from naql.text.tokenize import Vocabulary, Words, words
from naql.text.tokens import Tokens

__all__ = ["Tokens", "Vocabulary", "Words", "normalize", "normalize_with_offsets", "words"]

"""How alike two cases' words are, for finding cases raised many years running (R-S4).

Chinese is written without spaces, so words are not split: the text is compared as sets of
overlapping character pairs (bigrams), after removing what every title shares (关于…的建议) and
punctuation. Two texts' similarity is the Dice coefficient of their bigram sets, 0 to 1.
"""

from __future__ import annotations

import re
import unicodedata

# Words nearly every title carries; they would make unrelated cases look alike.
_BOILERPLATE = re.compile(r"关于|的建议|的提案|建议|提案|进一步|加强|加快|推进|推动|完善|问题")
_NOT_WORD = re.compile(r"[\W_]+")

# At least this alike to be put to the office as a possible repeat.
REPEAT_THRESHOLD = 0.45


def bigrams(text: str) -> frozenset[str]:
    plain = unicodedata.normalize("NFKC", text).lower()
    plain = _NOT_WORD.sub("", _BOILERPLATE.sub("", plain))
    if len(plain) < 2:
        return frozenset({plain}) if plain else frozenset()
    return frozenset(plain[i : i + 2] for i in range(len(plain) - 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The Dice coefficient of two bigram sets."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))

"""Text matching, scenario spec rule 1 (also used for quiz text answers).

A text is compared as its word tokens: Unicode NFKD, combining marks dropped,
case-folded, then every run of word characters (`\\w+`). So "Café", "CAFE"
and "cafe!" are the same single word.
"""
import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    """The normalised word tokens of `text`, in order."""
    decomposed = unicodedata.normalize("NFKD", text)
    # NFKD splits "é" into "e" + a combining acute; dropping the marks makes
    # accents optional on both sides, as the spec wants. ASCII has no marks.
    if decomposed.isascii():
        bare = decomposed
    else:
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(bare.casefold())


@lru_cache(maxsize=8192)
def _term_tokens(term: str) -> list[str]:
    # An author's term is tokenised once per process, not once per reply
    # graded. Callers only read the list.
    return word_tokens(term)


def word_count(text: str) -> int:
    """Words as the word limits count them: the normalised tokens."""
    return len(word_tokens(text))


def contains_run(tokens: list[str], run: list[str]) -> bool:
    """True when `run` occurs contiguously in `tokens`. An empty run never matches:
    a term with no words in it (say "!!") would otherwise match every reply."""
    width = len(run)
    if width == 0 or width > len(tokens):
        return False
    first = run[0]
    for start in range(len(tokens) - width + 1):
        if tokens[start] == first and tokens[start:start + width] == run:
            return True
    return False


def matches_any(tokens: list[str], terms: list[str]) -> bool:
    """True when any of `terms` (raw author text) matches the already-tokenised reply."""
    return any(contains_run(tokens, _term_tokens(term)) for term in terms)

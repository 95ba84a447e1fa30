"""Text analysis shared by both index adapters, so they match the same words.

The Elasticsearch this project runs in tests lacks the analysis-common module (no
``english`` analyzer, no stemmer filter), so stemming happens here, in Python, for both
adapters: documents are indexed as space-separated stems and queries are stemmed the same
way. The stemmer is deliberately light (plurals, -ing, -ed), which is what product names
need ("running shoes" finds "Trail Running Shoe").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

_WORD = re.compile(r"[0-9a-z]+")
_VOWEL = re.compile(r"[aeiouy]")
_NO_DOUBLE_UNDO = frozenset("lsz")
_ANY_WORD = re.compile(r"\w+")
# Distinct words whose stems highlights remember: a catalog's vocabulary, bounded.
HIGHLIGHT_WORD_CACHE: Final = 65_536


def fold(text: str) -> str:
    """Lower case without accents: ``"Café"`` → ``"cafe"``."""
    if text.isascii():  # nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


def _undouble(stem: str) -> str:
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in _NO_DOUBLE_UNDO:
        return stem[:-1]
    return stem


def _strip_verb_suffix(word: str, suffix: str) -> str:
    stem = word[: -len(suffix)]
    if len(stem) < 3 or not _VOWEL.search(stem):
        return word
    return _undouble(stem)


def stem(word: str) -> str:
    """A light English stem: ``shoes`` → ``shoe``, ``batteries`` → ``battery``,
    ``running`` → ``run``, ``washed`` → ``wash``."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return _strip_verb_suffix(word, "ing")
    if word.endswith("ed") and len(word) > 4:
        return _strip_verb_suffix(word, "ed")
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def terms_text(*texts: str | None) -> str:
    """The stems of ``texts`` as one space-separated string: what the index stores."""
    return " ".join(s for text in texts if text for s in stems(text))


@lru_cache(maxsize=HIGHLIGHT_WORD_CACHE)
def _stem_of_word(original: str) -> str | None:
    """The stem a highlight compares for one ``\\w+`` word of the text (every search
    highlights 20 names and descriptions: their words repeat from search to search)."""
    folded = words(original)
    return stem(folded[0]) if folded else None


def highlight(text: str, query_stems: Iterable[str]) -> str | None:
    """``text`` with each word whose stem is a query stem wrapped in ``<em>``; None when
    no word matches."""
    wanted = set(query_stems)
    matched = False

    def mark(match: re.Match[str]) -> str:
        nonlocal matched
        original = match.group(0)
        if _stem_of_word(original) in wanted:
            matched = True
            return f"<em>{original}</em>"
        return original

    marked = _ANY_WORD.sub(mark, text)
    return marked if matched else None

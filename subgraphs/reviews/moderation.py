"""Automatic moderation: a review is approved at once unless a simple rule holds it.

The rules are deliberately plain and predictable (a shop can replace the word list):

* **links** — anything that looks like a URL or a bare web address (spam, phishing);
* **banned words** — :data:`BANNED_WORDS`, matched as whole words, case-insensitively;
* **shouting** — at least :data:`SHOUTING_MIN_LETTERS` letters of which more than
  :data:`SHOUTING_UPPER_RATIO` are upper-case.

A held review is ``PENDING`` with the hold reason until staff approve or reject it.
"""

from __future__ import annotations

import re
from typing import Final

BANNED_WORDS: Final[frozenset[str]] = frozenset(
    {
        "asshole",
        "bastard",
        "bitch",
        "bullshit",
        "casino",
        "crap",
        "dickhead",
        "fuck",
        "fucking",
        "idiot",
        "scam",
        "shit",
        "viagra",
    }
)
SHOUTING_MIN_LETTERS: Final = 20
SHOUTING_UPPER_RATIO: Final = 0.7

HOLD_LINK: Final = "Contains a link"
HOLD_BANNED_WORD: Final = "Contains a word that needs a moderator's review"
HOLD_SHOUTING: Final = "Written mostly in capital letters"
HOLD_RESUBMITTED: Final = "Edited after it was rejected"

_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|io|co|info|biz|ru|cn|xyz|top|shop|store|online|site|app|dev|ly|me)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def has_banned_word(text: str) -> bool:
    return any(word.lower() in BANNED_WORDS for word in _WORD.findall(text))


def is_shouting(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < SHOUTING_MIN_LETTERS:
        return False
    upper = sum(1 for ch in letters if ch.isupper())
    return upper / len(letters) > SHOUTING_UPPER_RATIO


def hold_reason(title: str, body: str) -> str | None:
    """Why a review with this text must wait for a moderator, or None to approve it."""
    text = f"{title}\n{body}"
    if has_link(text):
        return HOLD_LINK
    if has_banned_word(text):
        return HOLD_BANNED_WORD
    if is_shouting(text):
        return HOLD_SHOUTING
    return None

"""The automatic moderation rules and input validation, without a database."""

from __future__ import annotations

import pytest

from shopgraph.errors import DomainError
from subgraphs.reviews import moderation, validation


@pytest.mark.parametrize(
    ("title", "body", "reason"),
    [
        ("Great", "Fits well, warm enough for winter.", None),
        ("Great", "See https://example.com/deal", moderation.HOLD_LINK),
        ("Great", "See http://x.y", moderation.HOLD_LINK),
        ("Great", "go to www.cheap-stuff.net now", moderation.HOLD_LINK),
        ("Great", "cheap-stuff.shop has it for less", moderation.HOLD_LINK),
        ("Visit example.com", "ok", moderation.HOLD_LINK),
        ("Great", "This is a SCAM!", moderation.HOLD_BANNED_WORD),
        ("Utter crap", "no", moderation.HOLD_BANNED_WORD),
        ("Great", "scampi recipe works; scammer-free", None),  # whole words only
        ("Great", "v2.0 firmware, 3.5mm jack", None),  # not a link
        ("AMAZING PRODUCT", "BUY IT NOW YOU WILL NOT REGRET IT", moderation.HOLD_SHOUTING),
        ("OK", "GREAT USB-C CABLE", None),  # short capitals are not shouting
        ("Great", "I love the NASA and USB-C logos on this tee, truly", None),
    ],
)
def test_hold_reason(title: str, body: str, reason: str | None) -> None:
    assert moderation.hold_reason(title, body) == reason


def test_shouting_threshold() -> None:
    assert moderation.is_shouting("A" * moderation.SHOUTING_MIN_LETTERS)
    assert not moderation.is_shouting("A" * (moderation.SHOUTING_MIN_LETTERS - 1))
    assert not moderation.is_shouting("Ab" * 20)


def test_text_is_trimmed_and_bounded() -> None:
    assert validation.title("  Hi  ") == "Hi"
    assert validation.body("\tBody\n") == "Body"
    assert validation.title("x" * 120) == "x" * 120
    for call, value, code in [
        (validation.title, " ", "INVALID_TITLE"),
        (validation.title, "x" * 121, "INVALID_TITLE"),
        (validation.body, "", "INVALID_BODY"),
        (validation.body, "y" * 5001, "INVALID_BODY"),
        (validation.reason, "\n", "INVALID_REASON"),
    ]:
        with pytest.raises(DomainError) as caught:
            call(value)
        assert caught.value.code == code


@pytest.mark.parametrize("stars", [0, 6, -1, 100])
def test_rating_out_of_range(stars: int) -> None:
    with pytest.raises(DomainError) as caught:
        validation.rating(stars)
    assert caught.value.code == "INVALID_RATING"


def test_product_id_is_normalised() -> None:
    upper = "6F1C1D2E-8B4A-4C36-9A57-5D0F3B9E2A10"
    assert validation.product_id(upper) == upper.lower()
    with pytest.raises(DomainError):
        validation.product_id("sku-123")

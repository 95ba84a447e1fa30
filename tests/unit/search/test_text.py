from __future__ import annotations

import pytest

from subgraphs.search import text


@pytest.mark.parametrize(
    ("word", "stem"),
    [("shoes", "shoe"), ("boots", "boot"), ("batteries", "battery"), ("watches", "watch"),
     ("dresses", "dress"), ("running", "run"), ("washed", "wash"), ("glass", "glass"),
     ("string", "string"), ("tee", "tee"), ("2024", "2024")],
)  # fmt: skip
def test_light_stemming_joins_plurals_and_verb_forms(word: str, stem: str) -> None:
    assert text.stem(word) == stem


def test_words_are_folded_without_accents_or_punctuation() -> None:
    assert text.words("Café-Crème, USB-C!") == ["cafe", "creme", "usb", "c"]
    assert text.terms_text("Running Shoes", None, "Blue") == "run shoe blue"


def test_highlight_marks_words_whose_stem_matches() -> None:
    assert text.highlight("Trail Running Shoes", ["run", "shoe"]) == (
        "Trail <em>Running</em> <em>Shoes</em>"
    )
    assert text.highlight("Rain Jacket", ["shoe"]) is None

"""Router metrics labels stay bounded whatever operation names clients send."""

from __future__ import annotations

from router.plugins.observability import OperationNames


def test_names_beyond_the_cap_share_the_other_label() -> None:
    names = OperationNames(limit=3)
    assert [names.label(f"Op{i}") for i in range(5)] == ["Op0", "Op1", "Op2", "other", "other"]
    assert names.label("Op1") == "Op1"  # names already seen keep their label


def test_anonymous_operations_have_their_own_label() -> None:
    names = OperationNames(limit=1)
    assert names.label(None) == "anonymous"
    assert names.label("") == "anonymous"
    assert names.label("Checkout") == "Checkout"

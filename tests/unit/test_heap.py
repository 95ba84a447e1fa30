"""settle(): start-up's objects leave the collector's way, and a later settle still frees
what became garbage since (a reloaded supergraph's old model)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from shopgraph.heap import settle


class Model:
    def __init__(self) -> None:
        self.self = self  # a cycle: only the collector can free it


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_what_is_alive_at_settle_is_frozen() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    settle()
    assert gc.get_freeze_count() > 0


def test_a_later_settle_frees_what_was_frozen_and_became_garbage() -> None:
    model = Model()
    gone = weakref.ref(model)
    settle()
    del model
    gc.collect()
    assert gone() is not None  # frozen: ordinary collections leave it alone
    settle()
    assert gone() is None

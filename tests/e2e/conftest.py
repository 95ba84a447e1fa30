"""One platform per column for the end-to-end tests that need only the platform as it runs
by default (tests/support/shared_platforms.py): started on first use, stopped when the e2e
tests end. Tests that need other settings, a held-back worker group, process-wide tracing or
a platform nobody else wrote to start their own with ``running_platform``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.shared_platforms import SharedShops, shared_shops


@pytest.fixture(scope="package")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SharedShops]:
    async with shared_shops(tmp_path_factory) as shops:
        yield shops

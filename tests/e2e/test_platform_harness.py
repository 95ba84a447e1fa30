"""The in-process platform harness itself: every subgraph answers, on both columns."""

from __future__ import annotations

import pytest

from bootstrap.registry import service_names
from tests.support.shared_platforms import SharedShops


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_every_subgraph_serves_its_sdl(column: str, shared: SharedShops) -> None:
    platform = (await shared.shop_on(column)).platform
    settings = platform.settings
    for service in service_names():
        body = await platform.gql(service, "{ _service { sdl } }")
        assert "@link" in body["data"]["_service"]["sdl"], service
    admin = await platform.gql(
        "users",
        "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }",
        {"i": {"email": settings.admin_email, "password": settings.admin_password}},
    )
    assert admin["data"]["login"]["errors"] == []

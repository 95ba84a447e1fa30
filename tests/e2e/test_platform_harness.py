"""The in-process platform harness itself: every subgraph answers, on both columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap.registry import service_names
from tests.support.platform import column_settings, running_platform


@pytest.mark.parametrize("column", ["embedded", "postgres+kafka+redis"])
async def test_every_subgraph_serves_its_sdl(column: str, tmp_path: Path) -> None:
    settings = column_settings(column, tmp_path)
    async with running_platform(settings) as platform:
        for service in service_names():
            body = await platform.gql(service, "{ _service { sdl } }")
            assert "@link" in body["data"]["_service"]["sdl"], service
        admin = await platform.gql(
            "users",
            "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }",
            {"i": {"email": settings.admin_email, "password": settings.admin_password}},
        )
        assert admin["data"]["login"]["errors"] == []

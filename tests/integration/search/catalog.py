"""The small known catalog most search tests run against."""

from __future__ import annotations

from dataclasses import dataclass

from tests.integration.search.conftest import SearchHarness


@dataclass(frozen=True)
class Catalog:
    footwear: str
    running: str
    boots: str
    clothing: str
    jackets: str
    trail: str
    road: str
    boot: str
    jacket: str
    socks: str
    archived: str


async def known_catalog(s: SearchHarness) -> Catalog:
    footwear = await s.category("Footwear")
    running = await s.category("Running Shoes", footwear)
    boots = await s.category("Boots", footwear)
    clothing = await s.category("Clothing")
    jackets = await s.category("Jackets", clothing)
    trail = await s.product(
        "Trail Running Shoe", price_minor=8999, category=running,
        description="Lightweight shoe for running on rocky trails.",
        attributes={"Color": "Red", "Size": "42"}, ratings=[5, 4],
    )  # fmt: skip
    road = await s.product(
        "Road Running Shoe", price_minor=11900, category=running,
        description="Cushioned for long distances on asphalt.",
        attributes={"Color": "Blue", "Size": "42"}, ratings=[4],
    )  # fmt: skip
    boot = await s.product(
        "Leather Hiking Boot", price_minor=14900, category=boots,
        description="Waterproof leather boot.", attributes={"Color": "Brown"},
        available=0, ratings=[3],
    )  # fmt: skip
    jacket = await s.product(
        "Rain Jacket", price_minor=5900, category=jackets,
        description="A light jacket for running in the rain.", attributes={"Color": "Red"},
    )  # fmt: skip
    socks = await s.product(
        "Wool Socks", price_minor=1250, category=footwear,
        description="Warm socks.", attributes={"Color": "Grey"}, ratings=[5],
    )  # fmt: skip
    archived = await s.product(
        "Retired Running Shoe", price_minor=4000, category=running, status="ARCHIVED"
    )
    return Catalog(footwear, running, boots, clothing, jackets, trail, road, boot, jacket,
                   socks, archived)  # fmt: skip
